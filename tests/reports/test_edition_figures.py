"""Figures that respect plan editions (issue 22, part 3), checked the way the issue will be:
an edition sheet for one country (continued, reworded, split, merged, new and closed
commitments) loaded through ``manage.py load_plan_edition``, then read back through the API:
the lineage, the counts per period before and after the edition starts, the carried statuses,
the figures of the periods before the edition unchanged; a second version of the sheet, with
problem rows, writes nothing (and changes no figure)."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from commitments.models import Commitment, CommitmentLink, NationalPlan
from periods.models import ReportingPeriod
from reports import dashboard, movement, progress
from reports.cache import invalidate
from tests.builders import period, report
from tests.editions import SHEET
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db

PROBLEMS = SHEET.parent / "blz_2024_edition_problems.csv"
PERIODS = ["2022", "2023", "2024-H1", "2024"]
# Belize's 2021 statuses: (code, period, status)
STATUSES = [
    ("BLZ-PRO-01", "2023", 3),  # continued by BLZ24-PRO-01
    ("BLZ-PRO-02", "2022", 2),  # reworded as BLZ24-PRO-02
    ("BLZ-PRO-03", "2023", 1),  # closes with the 2021 edition
    ("BLZ-PRO-04", "2023", 4),  # split into BLZ24-PRO-03 and -04
    ("BLZ-PRO-05", "2023", 1),  # merged with BLZ-PRO-06 into BLZ24-PRO-05
    ("BLZ-PRO-06", "2022", 5),
    ("BLZ-EDU-01", "2023", 0),  # continued by BLZ24-EDU-01
    ("GTM-PRO-01", "2023", 2),  # another country: one edition throughout
]


def api(path, **params):
    response = APIClient().get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def by_country(code):
    body = api("/api/v1/progress/", by="country", period=code)
    return {g["country"]: g for g in body["groups"]}, body["total"]


def load(on_commit, path=SHEET, **options):
    # the command's transaction commits: the figures it changed are announced then
    with on_commit(execute=True):
        call_command(
            "load_plan_edition",
            str(path),
            country="BLZ",
            edition="2024-2026",
            starts="2024-01-01",
            **options,
        )


@pytest.fixture
def belize():
    loaded_plans()
    for code in PERIODS:
        period(code)
    for code, when, status in STATUSES:
        report(Commitment.objects.get(code=code), when, status)


def test_an_edition_loaded_through_the_command_and_read_back_through_the_api(
    belize, django_capture_on_commit_callbacks
):
    before = {code: by_country(code) for code in PERIODS}
    blz_2023 = before["2023"][0]["BLZ"]
    assert (blz_2023["commitments"], blz_2023["reported"]) == (10, 7)

    load(django_capture_on_commit_callbacks)

    # the lineage, both ways
    assert api("/api/v1/commitments/BLZ24-PRO-05/")["predecessors"] == ["BLZ-PRO-05", "BLZ-PRO-06"]
    assert api("/api/v1/commitments/BLZ-PRO-04/")["successors"] == ["BLZ24-PRO-03", "BLZ24-PRO-04"]
    closed = api("/api/v1/commitments/BLZ-PRO-03/")
    assert closed["successors"] == [] and closed["status"] == 1  # it keeps its last status

    # the periods that ended before the edition started: exactly the same figures
    for code in ("2022", "2023"):
        assert by_country(code) == before[code], code

    # 2024-H1 counts the 2024-2026 edition: 9 commitments, 3 carried (PRO-01, PRO-02, EDU-01)
    groups, total = by_country("2024-H1")
    blz = groups["BLZ"]
    assert blz["commitments"] == 9
    assert blz["reported"] == 3 and blz["updated"] == 0  # carried: reported, not updated
    assert blz["progress"] == round((3 + 2 + 0) * 20 / 3, 1)
    assert blz["levels"]["not_reported"] == 6  # split, merged, new, and JOB-01 (nothing to carry)
    assert groups["GTM"] == before["2024-H1"][0]["GTM"]  # the other countries as before
    assert total["commitments"] == before["2024-H1"][1]["commitments"] - 10 + 9

    # the carried statuses, named
    reworded = api("/api/v1/commitments/BLZ24-PRO-02/", period="2024-H1")
    assert reworded["status"] == 2 and reworded["status_period"] == "2022"
    assert reworded["carried_from"] == {"code": "BLZ-PRO-02", "period": "2022", "status": 2}
    merged = api("/api/v1/commitments/BLZ24-PRO-05/", period="2024-H1")
    assert merged["status"] is None and merged["carried_from"] is None
    assert merged["predecessor_statuses"] == [
        {"code": "BLZ-PRO-05", "status": 1, "period": "2023"},
        {"code": "BLZ-PRO-06", "status": 5, "period": "2022"},
    ]
    split = api("/api/v1/commitments/BLZ24-PRO-03/", period="2024-H1")
    assert split["status"] is None and split["carried_from"] is None
    listed = api("/api/v1/commitments/", edition="2024-2026", period="2024-H1", status=3)
    assert [c["code"] for c in listed["results"]] == ["BLZ24-PRO-01"]

    # the continued commitment reports in its own right: its own status, updated, and what
    # moved compares it with its predecessor
    report(Commitment.objects.get(code="BLZ24-PRO-01"), "2024-H1", 4)
    invalidate()  # as recording does (the builder writes the row directly)
    blz = by_country("2024-H1")[0]["BLZ"]
    assert (blz["reported"], blz["updated"]) == (3, 1)
    assert blz["progress"] == round((4 + 2 + 0) * 20 / 3, 1)
    own = api("/api/v1/commitments/BLZ24-PRO-01/", period="2024-H1")
    assert own["status"] == 4 and own["carried_from"] is None
    moved = movement.page(period("2024-H1"), list(ReportingPeriod.objects.all()), country="BLZ")
    rows = [(r["code"], r["kind"], r["from"], r["to"], r["compared_with"]) for r in moved["rows"]]
    assert rows == [("BLZ24-PRO-01", "up", 3, 4, "BLZ-PRO-01")]

    # the trend counts each period with its own edition, and marks where it changed
    trend = progress.trend([period(code) for code in PERIODS], country="BLZ")
    assert [(p.code, s.commitments) for p, s in trend] == [
        ("2022", 10),
        ("2023", 10),
        ("2024-H1", 9),
        ("2024", 9),
    ]
    timeline = progress.timeline([period(code) for code in PERIODS], country="BLZ")
    assert timeline.stats(period("2024-H1")).as_dict() == (
        progress.compute(period=period("2024-H1"), country="BLZ").total.as_dict()
    )
    ref = dashboard.reference()
    changed = [(c["period"], c["country"], c["before"], c["after"]) for c in ref["editions"]]
    assert changed == [("2024-H1", "BLZ", "2021", "2024-2026")]


def test_a_sheet_with_problems_writes_nothing_and_changes_no_figure(
    belize, django_capture_on_commit_callbacks
):
    plans, commitments, links = (
        NationalPlan.objects.count(),
        Commitment.objects.count(),
        CommitmentLink.objects.count(),
    )
    figures = {code: by_country(code) for code in PERIODS}
    with pytest.raises(CommandError):
        load(django_capture_on_commit_callbacks, PROBLEMS)
    assert NationalPlan.objects.count() == plans
    assert Commitment.objects.count() == commitments
    assert CommitmentLink.objects.count() == links
    assert {code: by_country(code) for code in PERIODS} == figures


def test_the_dry_run_writes_nothing(belize, django_capture_on_commit_callbacks):
    load(django_capture_on_commit_callbacks, dry_run=True)
    assert not NationalPlan.objects.filter(edition="2024-2026").exists()
    assert by_country("2024-H1")[0]["BLZ"]["commitments"] == 10


def test_the_pages_say_what_a_changing_period_counts(
    belize, client, django_capture_on_commit_callbacks
):
    load(django_capture_on_commit_callbacks)
    page = client.get("/countries/BLZ/", {"period": "2024-H1"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    # the previous edition's closing figure: 2023, its last period, 7 of 10 reported
    closing = round((3 + 2 + 1 + 4 + 1 + 5 + 0) * 20 / 7, 1)
    assert f"The 2021 edition closed at {closing}% progress as of 2023" in html
    assert "with 7 of 10 commitments reported" in html
    # what 2024-H1 counts, and why
    assert "2024-H1 counts the 9 commitments of the 2024-2026 edition" in html
    assert "BLZ24-PRO-01 ← BLZ-PRO-01 (2023)" in html and "BLZ24-EDU-01 ← BLZ-EDU-01 (2023)" in html
    assert "BLZ24-PRO-03, BLZ24-PRO-04" in html  # split, not reported yet
    assert "BLZ-JOB-03, BLZ-PRO-03" in html  # closed, no longer counted
    assert "the 2024-2026 edition is counted from this period on (before: 2021)" in html
    # in Spanish too
    spanish = client.get("/countries/BLZ/", {"period": "2024-H1"}, HTTP_ACCEPT_LANGUAGE="es")
    spanish = spanish.content.decode()
    assert "Qué cuenta 2024-H1" in spanish and "se cuentan con el estado que arrastran" in spanish
    assert "La edición 2021 cerró con un avance del" in spanish
    assert "la edición 2024-2026 se cuenta desde este período (antes: 2021)" in spanish
    carried_es = client.get("/commitments/BLZ24-PRO-02/", HTTP_ACCEPT_LANGUAGE="es")
    assert "arrastrado de BLZ-PRO-02 (2022)" in carried_es.content.decode()
    # a period that counts the same edition as the one before says nothing of it
    later = client.get("/countries/BLZ/", {"period": "2023"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "counts the" not in later.content.decode()
    # the commitment pages: carried, and the predecessors beside a merged one
    carried = client.get("/commitments/BLZ24-PRO-02/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "carried from BLZ-PRO-02 (2022)" in carried
    merged = client.get("/commitments/BLZ24-PRO-05/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "BLZ-PRO-05, which it continues in part:" in merged and "not counted" in merged
