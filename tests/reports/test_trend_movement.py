"""Progress over periods and what moved between periods, against hand-computed cases and the
engine's ``compute`` for each period."""

import pytest

from commitments.models import ReportingPeriod, ReviewState
from commitments.services import load_plans, seed_demo
from reports import dashboard, movement, progress
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filters", [{}, {"country": "HND"}, {"pillar": 3}, {"focus_area": "JOB", "country": "MEX"}]
)
def test_trend_equals_compute_for_every_period(filters, django_assert_num_queries):
    load_plans()
    seed_demo()
    periods = list(ReportingPeriod.objects.all())
    # commitment ids; every approved status row (whatever the number of periods)
    with django_assert_num_queries(2):
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
    past = progress.history(periods)
    moved = movement.compare(past, period("2024"))
    assert moved["previous"] == "2023"
    assert [(r["code"], r["from"], r["to"], r["narrative"]) for r in moved["up"]] == [
        (up.code, 1, 3, "Moved forward")
    ]
    assert [(r["code"], r["from"], r["to"]) for r in moved["down"]] == [(down.code, 4, 2)]
    assert [(r["code"], r["from"], r["to"], r["narrative"]) for r in moved["first"]] == [
        (first.code, None, 0, "First look")
    ]
    assert moved["count"] == 3
    # the first period: everything reported is a first report
    first_period = movement.compare(past, period("2022"))
    assert first_period["previous"] is None
    assert [r["code"] for r in first_period["first"]] == [silent.code]


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
    assert (len(data["movement"]["up"]), len(data["movement"]["first"])) == (1, 1)
