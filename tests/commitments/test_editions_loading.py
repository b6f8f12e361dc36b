"""Loading a plan edition, all or nothing (issue 22): the preview (lineage, closing
commitments, problems by row), the apply (audited, atomic), and the command's door, with the
sample Belize 2024 edition (tests/commitments/fixtures, not loaded by default)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import ChangeEvent
from commitments.editions import (
    EditionRefused,
    EditionRow,
    apply_edition,
    lineage_codes,
    lineage_of,
    preview_edition,
)
from commitments.models import Commitment, CommitmentLink, NationalPlan
from commitments.services import load_plans
from countries.models import Country
from spreadsheets.edition_sheet import (
    build_edition_template,
    read_edition_sheet,
    template_rows,
)
from tests.builders import member, secretariat
from tests.editions import SHEET, STARTS, load_belize_2024

pytestmark = pytest.mark.django_db

PROBLEMS = SHEET.parent / "blz_2024_edition_problems.csv"


@pytest.fixture
def plans():
    load_plans()
    return Country.objects.get(iso3="BLZ")


def preview(country, path=SHEET, **kwargs):
    rows = read_edition_sheet(path.read_bytes())
    return preview_edition(
        country=country, edition="2024-2026", starts_on=STARTS, rows=rows, **kwargs
    )


def test_the_preview_gives_every_lineage_and_the_commitments_that_close(plans):
    shown = preview(plans)
    assert shown.ok, shown.problems
    kinds = {c.code: (c.kind.value, c.replaces) for c in shown.commitments}
    assert kinds == {
        "BLZ24-PRO-01": ("continued", ["BLZ-PRO-01"]),
        "BLZ24-PRO-02": ("reworded", ["BLZ-PRO-02"]),
        "BLZ24-PRO-03": ("split", ["BLZ-PRO-04"]),
        "BLZ24-PRO-04": ("split", ["BLZ-PRO-04"]),
        "BLZ24-PRO-05": ("merged", ["BLZ-PRO-05", "BLZ-PRO-06"]),
        "BLZ24-PRO-06": ("new", []),
        "BLZ24-EDU-01": ("continued", ["BLZ-EDU-01"]),
        "BLZ24-JOB-01": ("continued", ["BLZ-JOB-01"]),
        "BLZ24-JOB-02": ("reworded", ["BLZ-JOB-02"]),
    }
    assert [c.code for c in shown.closing] == ["BLZ-PRO-03", "BLZ-JOB-03"]
    assert shown.previous.edition == "2021"
    assert shown.counts()["closing"] == 2
    assert NationalPlan.objects.filter(country=plans).count() == 1  # nothing written


def test_problems_by_row_and_nothing_written(plans):
    before = Commitment.objects.count()
    shown = preview(plans, PROBLEMS)
    found = {(p.row, p.kind) for p in shown.problems}
    assert (2, "duplicate_code") in found and (3, "duplicate_code") in found
    assert (4, "unknown_predecessor") in found
    assert (5, "predecessor_other_country") in found
    assert (7, "focus_area") in found and (7, "pillar") in found
    assert not shown.ok
    with pytest.raises(EditionRefused):
        apply_edition(
            country=plans,
            edition="2024-2026",
            starts_on=STARTS,
            rows=read_edition_sheet(PROBLEMS.read_bytes()),
            user=secretariat(),
        )
    assert Commitment.objects.count() == before
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()


def test_a_predecessor_of_an_older_edition_a_taken_code_and_an_early_start(plans):
    load_belize_2024(secretariat())
    rows = [
        EditionRow(2, "BLZ27-PRO-01", "PRO", "1", "Text", "", "", "BLZ-PRO-01"),
        EditionRow(3, "BLZ24-PRO-06", "PRO", "1", "Text", "", "", "BLZ24-PRO-06"),
        EditionRow(4, "BLZ-PRO-01", "PRO", "1", "", "Texto", "", ""),
        EditionRow(5, "BLZ27-JOB-01", "PRO", "1", "Text", "", "", ""),
    ]
    shown = preview_edition(country=plans, edition="2027", starts_on=dt.date(2027, 1, 1), rows=rows)
    found = {(p.row, p.kind) for p in shown.problems}
    assert found == {
        (2, "predecessor_other_edition"),
        (3, "code_taken"),
        (4, "code_taken"),
        (4, "text_missing"),
        (5, "code_focus_area"),
    }
    early = preview_edition(country=plans, edition="2023", starts_on=dt.date(2023, 1, 1), rows=[])
    assert {p.kind for p in early.problems} == {"edition_not_latest", "empty"}
    again = preview_edition(
        country=plans, edition="2024-2026", starts_on=dt.date(2028, 1, 1), rows=rows[:1]
    )
    assert "edition_exists" in {p.kind for p in again.problems}


def test_apply_creates_the_edition_with_its_lineage_audited(plans):
    user = secretariat()
    plan, shown = apply_edition(
        country=plans,
        edition="2024-2026",
        starts_on=STARTS,
        rows=read_edition_sheet(SHEET.read_bytes()),
        user=user,
    )
    assert plan.starts_on == STARTS and plan.commitments.count() == 9
    new = Commitment.objects.get(code="BLZ24-PRO-05")
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["BLZ-PRO-05", "BLZ-PRO-06"]
    old = Commitment.objects.get(code="BLZ-PRO-04")
    assert sorted(old.successors.values_list("code", flat=True)) == ["BLZ24-PRO-03", "BLZ24-PRO-04"]
    assert Commitment.objects.get(code="BLZ24-PRO-06").responsible_institution == (
        "Refugees Department, Ministry of Immigration"
    )
    # lineage both ways, as the pages read it
    assert lineage_of(new).kind == "merged"
    assert lineage_of(Commitment.objects.get(code="BLZ24-PRO-02")).kind == "reworded"
    closed = lineage_of(Commitment.objects.get(code="BLZ-PRO-03"))
    assert closed.closed and closed.successors == []
    assert not lineage_of(Commitment.objects.get(code="BLZ-PRO-01")).closed
    codes = lineage_codes([old.pk, new.pk])
    assert codes[old.pk] == {"predecessors": [], "successors": ["BLZ24-PRO-03", "BLZ24-PRO-04"]}
    assert codes[new.pk]["predecessors"] == ["BLZ-PRO-05", "BLZ-PRO-06"]
    # the 2021 edition is untouched; the figures' base at each date
    assert Commitment.objects.filter(plan__country=plans, plan__edition="2021").count() == 10
    assert set(Commitment.objects.in_force(dt.date(2023, 12, 31)).filter(country=plans)) == set(
        Commitment.objects.filter(plan__edition="2021", country=plans)
    )
    assert Commitment.objects.in_force(dt.date(2024, 12, 31)).filter(country=plans).count() == 9
    assert sorted(Commitment.objects.closed().values_list("code", flat=True)) == [
        "BLZ-JOB-03",
        "BLZ-PRO-03",
    ]
    events = ChangeEvent.objects.filter(plan=plan)
    assert events.filter(action="edition_loaded").count() == 1
    assert events.filter(action="commitment_added").count() == 9
    assert events.get(commitment=new).comment == "BLZ-PRO-05;BLZ-PRO-06"
    # a continued commitment keeps its predecessor's reason for its pillar
    assert Commitment.objects.get(code="BLZ24-PRO-01").pillar_rationale


def test_only_the_secretariat_applies(plans):
    member("team", "BLZ")
    with pytest.raises(PermissionDenied):
        apply_edition(
            country=plans,
            edition="2024-2026",
            starts_on=STARTS,
            rows=read_edition_sheet(SHEET.read_bytes()),
            user=member("other", "BLZ"),
        )
    assert not CommitmentLink.objects.exists()


def test_the_command_dry_run_writes_nothing_then_applies(plans, capsys):
    args = [str(SHEET), "--country", "BLZ", "--edition", "2024-2026", "--starts", "2024-01-01"]
    call_command("load_plan_edition", *args, "--dry-run")
    out = capsys.readouterr().out
    assert "BLZ24-PRO-05 [merged] replaces BLZ-PRO-05; BLZ-PRO-06" in out
    assert "BLZ-JOB-03" in out and "Dry run: nothing was written." in out
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()
    call_command("load_plan_edition", *args)
    assert NationalPlan.objects.get(edition="2024-2026").commitments.count() == 9
    event = ChangeEvent.objects.get(action="edition_loaded")
    assert event.user is None and event.route == "spreadsheet"


def test_the_command_refuses_a_sheet_with_problems(plans, capsys):
    args = [str(PROBLEMS), "--country", "BLZ", "--edition", "2024-2026", "--starts", "2024-01-01"]
    with pytest.raises(CommandError):
        call_command("load_plan_edition", *args)
    assert "[unknown_predecessor]" in capsys.readouterr().out
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()


def test_the_template_is_the_current_edition_each_replacing_itself(plans, tmp_path):
    rows = template_rows(plans, 2024)
    assert len(rows) == 10
    assert rows[0][:3] == ["BLZ24-PRO-01", "PRO", "1"] and rows[0][-1] == "BLZ-PRO-01"
    data = build_edition_template(plans, year=2024, language="es")
    read = read_edition_sheet(data)
    assert [r.replaces for r in read] == [r[-1] for r in rows]
    # loaded as it is, every commitment is continued and none closes
    shown = preview_edition(country=plans, edition="2024", starts_on=STARTS, rows=read)
    assert shown.ok and {c.kind.value for c in shown.commitments} == {"continued"}
    assert shown.closing == []


def test_an_edition_written_in_spanish(plans):
    rows = [EditionRow(2, "BLZ24-PRO-01", "Protección", "Pilar 1", "", "Texto original", "", "")]
    plan, shown = apply_edition(
        country=plans,
        edition="2024",
        starts_on=STARTS,
        rows=rows,
        user=secretariat(),
        original_language="es",
    )
    c = plan.commitments.get()
    assert (c.original_language, c.text, c.text_es) == ("es", "", "Texto original")
    assert c.texts.lead == "Texto original" and not c.texts.lead_is_translation


def test_the_admin_shows_what_a_commitment_replaces(plans, client):
    user = secretariat()
    user.is_staff = True
    user.save()
    load_belize_2024(user)
    client.force_login(user)
    new = Commitment.objects.get(code="BLZ24-PRO-05")
    page = client.get(f"/admin/commitments/commitment/{new.pk}/change/")
    assert page.status_code == 200
    assert "BLZ-PRO-05" in page.content.decode() and "BLZ-PRO-06" in page.content.decode()


def test_an_edition_sheet_saved_as_excel_97_by_libreoffice(plans):
    """The same sheet as ``SHEET``, saved by LibreOffice's "MS Excel 97" filter: read like
    any other workbook, the same rows."""
    xls = SHEET.with_name("blz_2024_edition.lo.xls")
    assert read_edition_sheet(xls.read_bytes()) == read_edition_sheet(SHEET.read_bytes())
    assert preview(plans, path=xls).ok


def test_the_edition_page_offers_every_format_the_reader_reads(plans, client):
    client.force_login(secretariat("ana"))
    page = client.get(reverse("plan-edition"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv"' in page
    assert ".xlsx, .xls, .ods o .csv, hasta 5 MB." in page
