"""The 2021 plans as loaded: what is printed, nothing invented, codes well formed."""

import re
from collections import Counter

import pytest
from django.core.management import call_command

from commitments.models import Commitment, NationalPlan, ReportingPeriod, StatedCount, StatusUpdate
from commitments.services import load_plans

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


def test_every_commitment_has_a_pillar_with_a_reason_and_its_plans_country(loaded):
    for c in Commitment.objects.select_related("plan"):
        assert 1 <= c.pillar.number <= 4
        assert c.pillar_rationale
        assert c.country_id == c.plan.country_id
    # All four pillars are used.
    assert set(Commitment.objects.values_list("pillar__number", flat=True)) == {1, 2, 3, 4}


def test_load_plans_is_idempotent_and_keeps_a_manual_pillar(loaded):
    manual = Commitment.objects.get(code="BLZ-PRO-01")
    manual.pillar_id = Commitment.objects.exclude(pillar=manual.pillar).first().pillar_id
    manual.save()
    again = load_plans()
    assert again.created == 0 and again.updated == 0
    assert Commitment.objects.count() == 229
    assert Commitment.objects.get(code="BLZ-PRO-01").pillar_id == manual.pillar_id


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
