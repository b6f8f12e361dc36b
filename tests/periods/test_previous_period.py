"""The period before this one: one rule (``periods.models.previous_among``) that the
spreadsheet template, the dashboards' timeline and "what moved", and the stale marks all ask.

With 2024-H1 (Jan-Jun), 2024 (Jan-Dec) and 2024-H2 (Jul-Dec): the period before 2024-H2 is
the latest one that ended before 2024-H2 ended, 2024-H1; 2024 ends the same day as 2024-H2,
so it is never the one before it (the template said 2024-H1, the dashboards said 2024)."""

import io

import pytest
from openpyxl import load_workbook

from periods.models import ReportingPeriod, chronological, previous_among
from reports import dashboard, movement, progress
from spreadsheets.template import build_matrix, build_matrix_csv, matrix_commitments
from tests.builders import CountryBuilder, period, report
from workspace.tracker import stale_period_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_periods():
    """2024-H1, 2024 and 2024-H2, created in an order that is not the chronological one."""
    return {code: period(code) for code in ("2024-H2", "2024", "2024-H1")}


def test_the_template_and_the_dashboards_name_the_same_previous_period(three_periods):
    b = CountryBuilder("AAA")
    c = b.commitment()
    report(c, "2024-H1", 1)
    report(c, "2024-H2", 3)
    h2 = three_periods["2024-H2"]
    periods = list(ReportingPeriod.objects.all())

    # the rule, over a list and as one query
    assert previous_among(periods, h2).code == "2024-H1"
    assert h2.previous().code == "2024-H1"
    # the template: the header of the column "Status as of <previous>", .xlsx and .csv
    xlsx = load_workbook(io.BytesIO(build_matrix([b.country], h2, "en")))
    header = [cell.value for cell in next(xlsx.worksheets[0].iter_rows(max_row=1))]
    assert "Status as of 2024-H1" in header
    csv = build_matrix_csv(matrix_commitments(h2, h2.previous()), h2, "en").decode("utf-8-sig")
    assert "Status as of 2024-H1" in csv.splitlines()[0]
    # the dashboards: the timeline, "what moved" (counts and list) and the dashboard's figures
    timeline = progress.timeline(periods)
    assert timeline.previous(h2).code == "2024-H1"
    summary = movement.summary(timeline, h2)
    page = movement.page(h2, periods)
    ref = dashboard.reference()
    figures = dashboard.figures(dashboard.selection({"period": "2024-H2"}, ref), ref["periods"])
    assert summary["previous"] == page["previous"] == figures["movement"]["previous"] == "2024-H1"
    # and what moved is counted against 2024-H1: status 1 then 3, up (against 2024, whose
    # status as of is already the H2 row, nothing would have moved)
    assert (summary["up"], summary["down"], summary["first"]) == (1, 0, 0)
    assert [(r["code"], r["kind"], r["from"], r["to"]) for r in page["rows"]] == [
        (c.code, "up", 1, 3)
    ]
    assert (figures["movement"]["up"], figures["movement"]["count"]) == (1, 1)


def test_previous_of_each_period_and_the_tie_break():
    for code in ("2023", "2023-H2", "2024-H1", "2024", "2024-H2", "2025"):
        period(code)
    periods = chronological(ReportingPeriod.objects.all())
    assert [p.code for p in periods] == ["2023", "2023-H2", "2024-H1", "2024", "2024-H2", "2025"]
    before = {p.code: getattr(previous_among(periods, p), "code", None) for p in periods}
    assert before == {
        "2023": None,  # nothing ended before 31 Dec 2023
        "2023-H2": None,  # 2023 ends the same day: never the one before
        # 2023 and 2023-H2 both ended on 31 Dec 2023: the later start wins
        "2024-H1": "2023-H2",
        "2024": "2024-H1",
        "2024-H2": "2024-H1",
        "2025": "2024-H2",  # 2024 and 2024-H2 end the same day: the later start wins
    }
    # the model's method is the same rule, and the timeline agrees period by period
    timeline = progress.timeline(periods)
    for p in periods:
        assert getattr(p.previous(), "code", None) == before[p.code]
        assert getattr(timeline.previous(p), "code", None) == before[p.code]


def test_stale_marks_use_the_same_previous_period(three_periods):
    period("2023")
    periods = list(ReportingPeriod.objects.all())
    # as seen from 2024-H2 the previous period is 2024-H1 (ended 30 June 2024): stale is what
    # ended before it, 2023; 2024-H1 itself is not stale
    assert stale_period_codes(periods, three_periods["2024-H2"]) == {"2023"}
    assert stale_period_codes(periods, three_periods["2024-H1"]) == frozenset()


def test_one_query_for_the_model_method(three_periods, django_assert_num_queries):
    h2 = three_periods["2024-H2"]
    with django_assert_num_queries(1):  # the periods that ended before 2024-H2
        assert h2.previous().code == "2024-H1"
