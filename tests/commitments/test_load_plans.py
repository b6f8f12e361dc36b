"""The 2021 plans as loaded: what is printed, nothing invented, codes well formed."""

import json
import re
import shutil
from collections import Counter

import pytest
from django.core.management import call_command

from commitments.models import Commitment, NationalPlan, Pillar, StatedCount
from commitments.pillar_rules import classify, suggest_pillar
from commitments.services import FIXTURES_DIR, edit_commitment, load_plans
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate

# Counted by hand from the printed bullets of the 2021 plans (one per bullet, in document
# order; Mexico prints one protection bullet twice verbatim and it is loaded once).
PRINTED = {
    "BLZ": {"PRO": 6, "EDU": 1, "JOB": 3},
    "CRI": {"PRO": 11, "EDU": 5, "JOB": 4, "SOC": 12},
    "SLV": {"PRO": 27, "EDU": 5, "JOB": 10, "HEA": 7},
    "GTM": {"PRO": 19, "HEA": 1, "EDU": 2, "JOB": 8},
    "HND": {"PRO": 38, "EDU": 1, "JOB": 4},
    "MEX": {"PRO": 19, "EDU": 1, "JOB": 5, "HEA": 4, "SOC": 9},
    "PAN": {"PRO": 11, "EDU": 3, "HEA": 1, "JOB": 7, "SOC": 5},
}
STATED_TOTALS = {"BLZ": 10, "CRI": 32, "SLV": 49, "GTM": 30, "HND": 44, "MEX": 38, "PAN": 26}
STATED_BY_AREA = {
    "BLZ": {"PRO": 7, "JOB": 2, "EDU": 1},
    "HND": {"PRO": 39, "JOB": 4, "EDU": 1},
    "PAN": {"PRO": 12, "JOB": 7, "SOC": 5, "EDU": 3, "HEA": 1},
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    return load_plans()


def test_counts_per_country_and_focus_area_equal_the_printed_lists(loaded):
    counts = Counter(Commitment.objects.values_list("country__iso3", "focus_area__code"))
    expected = {(c, a): n for c, areas in PRINTED.items() for a, n in areas.items()}
    assert dict(counts) == expected
    assert Commitment.objects.count() == 229 == loaded.commitments


def test_codes_are_unique_well_formed_and_numbered_in_document_order(loaded):
    codes = list(
        Commitment.objects.order_by("country__iso3", "order").values_list(
            "code", "country__iso3", "focus_area__code"
        )
    )
    assert len({c for c, _, _ in codes}) == len(codes)
    seen: Counter = Counter()
    for code, iso3, area in codes:
        assert re.fullmatch(r"[A-Z]{3}-(PRO|JOB|SOC|EDU|HEA)-\d{2}", code)
        seen[(iso3, area)] += 1
        assert code == f"{iso3}-{area}-{seen[(iso3, area)]:02d}"


def test_text_is_kept_exactly_as_printed(loaded):
    # Printed with the repeated prefix in the source; it must not be "fixed".
    assert Commitment.objects.get(code="CRI-PRO-05").text.startswith(
        "Project for the prevention of delays: Project for the prevention of delays:"
    )
    assert Commitment.objects.get(code="GTM-HEA-01").text == (
        "Strengthening of the Directorate for the Attention to Migrants of the Ministry of "
        "Public Health and Social Assistance."
    )
    # A bullet wrapped over two lines in the source is one commitment.
    assert Commitment.objects.get(code="SLV-PRO-27").text.startswith(
        "Promote, together with the municipalities, the creation or adjustment"
    )


def test_a_verbatim_duplicate_is_loaded_once(loaded):
    sipinna = "The SIPINNA, from the Protection Commission for migrant children"
    assert Commitment.objects.filter(country__iso3="MEX", text__startswith=sipinna).count() == 1


def test_stated_totals_and_per_area_counts_are_recorded(loaded):
    for iso3, total in STATED_TOTALS.items():
        assert NationalPlan.objects.get(country__iso3=iso3, edition="2021").stated_total == total
    for iso3, areas in STATED_BY_AREA.items():
        stated = dict(
            StatedCount.objects.filter(plan__country__iso3=iso3).values_list(
                "focus_area__code", "stated"
            )
        )
        assert stated == areas
    assert sum(STATED_TOTALS.values()) == 229


def _fixture_rows() -> dict:
    data = json.loads((FIXTURES_DIR / "plans_2021.json").read_text(encoding="utf-8"))
    return {c["code"]: c for plan in data["plans"] for c in plan["commitments"]}


def test_every_commitment_has_a_pillar_with_a_reason_in_both_languages(loaded):
    rows = _fixture_rows()
    for c in Commitment.objects.select_related("plan", "pillar"):
        assert 1 <= c.pillar.number <= 4
        assert c.pillar.number == rows[c.code]["pillar"]
        assert c.pillar_rationale and c.pillar_rationale_es, c.code
        assert c.country_id == c.plan.country_id
    # The pillar counts loaded are the fixture's, and all four pillars are used.
    loaded_counts = Counter(Commitment.objects.values_list("pillar__number", flat=True))
    assert loaded_counts == Counter(row["pillar"] for row in rows.values())
    assert set(loaded_counts) == {1, 2, 3, 4}


def test_every_commitment_and_plan_has_its_spanish_working_translation(loaded):
    # True once the review files of all 7 countries are merged (fixtures/apply_review.py).
    missing = list(Commitment.objects.filter(text_es="").values_list("code", flat=True))
    assert missing == []
    assert Commitment.objects.exclude(text_es="").count() == 229
    for plan in NationalPlan.objects.all():
        assert plan.title_es and plan.summary_es, plan
    # the printed English text is kept beside it, never replaced
    assert Commitment.objects.get(code="GTM-HEA-01").text.startswith("Strengthening of the")


def test_the_readme_lists_every_commitment_whose_pillar_the_reading_changed():
    readme = (FIXTURES_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| ([A-Z]{3}-[A-Z]{3}-\d{2}) \| (\d → \d) \|", readme, re.M))
    changed = {}
    for code, row in _fixture_rows().items():
        first = classify(row["text"], row["focus_area"])[0]
        if first != row["pillar"]:
            changed[code] = f"{first} → {row['pillar']}"
    assert listed == changed and changed
    # GTM-HEA-01 is in pillar 2 because it is health care, not because a ministry's name says
    # "social assistance": every reason is a reading, none a keyword rule
    assert "health" in _fixture_rows()["GTM-HEA-01"]["pillar_rationale"]
    assert not any(r["pillar_rationale"].startswith("rule ") for r in _fixture_rows().values())


def test_load_plans_is_idempotent(loaded):
    again = load_plans()
    assert again.created == 0 and again.updated == 0
    assert Commitment.objects.count() == 229


def test_load_plans_keeps_a_pillar_and_a_spanish_text_edited_in_the_app(loaded, django_user_model):
    # Given the secretariat re-classified one commitment and corrected another's Spanish text
    staff = django_user_model.objects.create_user("staff", is_superuser=True)
    moved = Commitment.objects.get(code="BLZ-PRO-01")
    other_pillar = Pillar.objects.exclude(pk=moved.pillar_id).first()
    edit_commitment(commitment=moved, user=staff, pillar=other_pillar, pillar_rationale="Read.")
    translated = Commitment.objects.get(code="GTM-HEA-01")
    edit_commitment(commitment=translated, user=staff, text_es="Texto corregido.")
    # and another commitment's fixture values were changed behind the app's back
    Commitment.objects.filter(code="MEX-PRO-01").update(text_es="", pillar_rationale_es="")
    # When the plans are loaded again
    again = load_plans()
    # Then the hand edits stay, the other commitment gets the fixture's values back
    assert again.updated == 1
    moved.refresh_from_db()
    assert (moved.pillar_id, moved.pillar_rationale) == (other_pillar.pk, "Read.")
    assert moved.classification_edited_at is not None
    translated.refresh_from_db()
    assert translated.text_es == "Texto corregido." and translated.translation_edited_at
    restored = Commitment.objects.get(code="MEX-PRO-01")
    fixture = _fixture_rows()["MEX-PRO-01"]
    assert restored.text_es == fixture["text_es"]
    assert restored.pillar_rationale_es == fixture["pillar_rationale_es"]


def test_a_commitment_without_a_pillar_gets_the_keyword_suggestion(tmp_path, settings):
    # Given a fixture where one commitment was added later, with no pillar read yet
    data = json.loads((FIXTURES_DIR / "plans_2021.json").read_text(encoding="utf-8"))
    added = data["plans"][0]["commitments"][0]
    for key in ("pillar", "pillar_rationale", "pillar_rationale_es"):
        added.pop(key)
    added["text"] = "Strengthen mental health and psychosocial care for refugees."
    (tmp_path / "plans_2021.json").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(FIXTURES_DIR / "reference.json", tmp_path / "reference.json")
    # When it is loaded
    load_plans(fixtures_dir=tmp_path)
    # Then the keyword rules suggest a pillar, and the reason says it is a suggestion
    commitment = Commitment.objects.get(code=added["code"])
    assert commitment.pillar.number == suggest_pillar(added["text"], added["focus_area"])[0] == 2
    assert commitment.pillar_rationale.startswith("Suggested by keyword")
    assert commitment.pillar_rationale_es.startswith("Sugerido por palabras clave")


def test_fixtures_hold_annual_periods_and_no_statuses(loaded):
    assert list(ReportingPeriod.objects.values_list("code", flat=True)) == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]
    assert StatusUpdate.objects.count() == 0


def test_load_plans_command_reports_what_it_loaded(capsys):
    call_command("load_plans")
    assert "229 commitments" in capsys.readouterr().out
