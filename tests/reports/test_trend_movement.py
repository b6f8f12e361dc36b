"""Progress over periods and what moved between periods, against hand-computed cases and the
engine's ``compute`` for each period."""

import pytest

from demo.services import seed_demo
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from reports import dashboard, movement, progress
from tests.builders import CountryBuilder, period, report
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filters", [{}, {"country": "HND"}, {"pillar": 3}, {"focus_area": "JOB", "country": "MEX"}]
)
def test_trend_equals_compute_for_every_period(filters, django_assert_num_queries):
    loaded_plans()
    seed_demo()
    periods = list(ReportingPeriod.objects.all())
    # the statuses as of every period, counted, in one query (whatever the number of periods)
    with django_assert_num_queries(1):
        trend = progress.trend(periods, **filters)
    assert [p.code for p, _stats in trend] == [p.code for p in periods]
    for p, stats in trend:
        assert stats.as_dict() == progress.compute(period=p, **filters).total.as_dict()


def test_trend_by_hand_mid_year_counts_until_replaced_and_submitted_never_counts():
    b = CountryBuilder("AAA")
    c1, c2, c3 = b.commitment(), b.commitment(), b.commitment()
    report(c1, "2023", 1)
    report(c1, "2024-H1", 3)
    report(c2, "2024-H1", 0)
    report(c2, "2024", 5)
    pending = report(c3, "2024", 4)
    pending.review_state = ReviewState.SUBMITTED
    pending.save()
    by_code = {p.code: s for p, s in progress.trend()}
    assert by_code["2023"].reported == 1 and by_code["2023"].progress == 20.0
    # 2024-H1: c1 3, c2 0 -> (3 + 0) × 20 / 2 = 30
    assert by_code["2024-H1"].reported == 2 and by_code["2024-H1"].progress == 30.0
    # 2024: c1 still 3 (mid-year carries), c2 5, c3 pending not counted -> 80
    assert by_code["2024"].as_dict()["levels"] == {
        "0": 0,
        "1": 0,
        "2": 0,
        "3": 1,
        "4": 0,
        "5": 1,
        "not_reported": 1,
    }
    assert by_code["2024"].progress == 80.0


def test_explain_reproduces_the_figure():
    stats = {
        "commitments": 10,
        "reported": 7,
        "coverage": 0.7,
        "progress": 42.9,
        "levels": {"5": 1, "4": 0, "3": 2, "2": 1, "1": 2, "0": 1, "not_reported": 3},
    }
    e = progress.explain(stats)
    assert e["terms"] == [(5, 1, 5), (3, 2, 6), (2, 1, 2), (1, 2, 2), (0, 1, 0)]
    assert e["status_sum"] == 15
    assert round(e["status_sum"] * 20 / e["reported"], 1) == stats["progress"]
    assert e["not_reported"] == 3 and e["coverage_percent"] == 70.0


def test_movement_up_down_first_and_unchanged():
    b = CountryBuilder("AAA")
    up, down, first, same, silent = (b.commitment(text=f"C{i}") for i in range(5))
    report(up, "2023", 1)
    report(up, "2024", 3, narrative="Moved forward")
    report(down, "2023", 4)
    report(down, "2024", 2, narrative="Funding cut")
    report(first, "2024", 0, narrative="First look")
    report(same, "2023", 2)
    report(same, "2024", 2)
    report(silent, "2022", 5)
    periods = list(ReportingPeriod.objects.all())
    moved = movement.page(period("2024"), periods)
    assert moved["previous"] == "2023"
    rows = {kind: [r for r in moved["rows"] if r["kind"] == kind] for kind in movement.KINDS}
    assert [(r["code"], r["from"], r["to"], r["narrative"]) for r in rows["up"]] == [
        (up.code, 1, 3, "Moved forward")
    ]
    assert [(r["code"], r["from"], r["to"]) for r in rows["down"]] == [(down.code, 4, 2)]
    assert [(r["code"], r["from"], r["to"], r["narrative"]) for r in rows["first"]] == [
        (first.code, None, 0, "First look")
    ]
    assert (moved["up"], moved["down"], moved["first"], moved["count"]) == (1, 1, 1, 3)
    # the counts of the trend's timeline agree with the list
    summary = movement.summary(progress.timeline(periods), period("2024"))
    assert {k: summary[k] for k in ("previous", "up", "down", "first", "count")} == {
        "previous": "2023",
        "up": 1,
        "down": 1,
        "first": 1,
        "count": 3,
    }
    # the first period: everything reported is a first report
    first_period = movement.page(period("2022"), periods)
    assert first_period["previous"] is None
    assert [r["code"] for r in first_period["rows"] if r["kind"] == "first"] == [silent.code]
    # a page at a time, the counts always of the whole
    second = movement.page(period("2024"), periods, limit=2, offset=2)
    assert [r["code"] for r in second["rows"]] == [first.code] and second["count"] == 3


def test_a_period_ending_with_another_is_never_the_one_before_it():
    b = CountryBuilder("AAA")
    c = b.commitment()
    report(c, "2024", 1)
    report(c, "2024-H2", 3, narrative="Later in the year")  # ends 31 December too
    periods = list(ReportingPeriod.objects.all())
    # 2024 (1 Jan-31 Dec) did not end before 2024-H2 (1 Jul-31 Dec): no period before it
    # (periods.models.previous_among), so its status is a first report
    moved = movement.page(period("2024-H2"), periods)
    assert (moved["previous"], moved["first"], moved["count"]) == (None, 1, 1)
    summary = movement.summary(progress.timeline(periods), period("2024-H2"))
    assert (summary["previous"], summary["first"]) == (None, 1)
    # and the status as of 2024 is already the H2 row (as of = every period ended by then)
    assert progress.compute(period=period("2024")).total.levels[3] == 1


def test_movement_on_the_changes_page_per_country_with_narratives(client):
    a, b = CountryBuilder("AAA", "Atlantis"), CountryBuilder("BBB", "Borduria")
    ca, cb = a.commitment(), b.commitment()
    report(ca, "2023", 1)
    report(ca, "2024", 4, narrative="Law passed")
    report(cb, "2024", 2, narrative="Started the census")
    html = client.get("/changes/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="h-AAA"' in html and 'id="h-BBB"' in html
    assert "Law passed" in html and "Started the census" in html
    assert "Went up" in html and "Reported for the first time" in html
    only_b = client.get("/changes/", {"period": "2024", "country": "BBB"}).content.decode()
    assert "Started the census" in only_b and "Law passed" not in only_b
    # and the dashboard's counts agree
    ref = dashboard.reference()
    data = dashboard.figures(dashboard.selection({"period": "2024"}, ref), ref["periods"])
    assert (data["movement"]["up"], data["movement"]["first"]) == (1, 1)
