"""The progress engine on hand-computed cases, and its query count."""

import pytest

from reports import progress
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    """GTM: 3 commitments in pillar 1 (statuses 5, 2, none), 1 in pillar 4 (0).
    HND: 2 in pillar 1 (3 in 2023 then 4 in 2024; 1 in 2024).
    Nothing anywhere in pillars 2 and 3."""
    gtm, hnd = CountryBuilder("GTM"), CountryBuilder("HND")
    g1, g2, _g3 = (gtm.commitment("PRO", 1) for _ in range(3))
    g4 = gtm.commitment("JOB", 4)
    h1, h2 = hnd.commitment("PRO", 1), hnd.commitment("EDU", 1)
    report(g1, "2024", 5)
    report(g2, "2023", 2)
    report(g4, "2024", 0)
    report(h1, "2023", 3)
    report(h1, "2024", 4)
    report(h2, "2024", 1)
    return {"2023": period("2023"), "2024": period("2024")}


def test_region_total(small):
    result = progress.compute(period=small["2024"]).as_dict()
    # reported: 5, 2, 0, 4, 1 -> mean status 12/5 = 2.4 -> 48.0 %
    assert result["total"] == {
        "commitments": 6,
        "reported": 5,
        "coverage": round(5 / 6, 4),
        "progress": 48.0,
        "levels": {"0": 1, "1": 1, "2": 1, "3": 0, "4": 1, "5": 1, "not_reported": 1},
        # reported in 2024 itself: g1, g4, h1, h2 (g2's 2 is carried from 2023)
        "updated": 4,
        "reporting_rate": round(4 / 6, 4),
    }
    assert result["groups"] == []


def test_by_pillar_includes_empty_pillars_with_null_progress(small):
    groups = {
        g["pillar"]: g for g in progress.compute(["pillar"], small["2024"]).as_dict()["groups"]
    }
    assert list(groups) == [1, 2, 3, 4]
    # pillar 1: 5, 2, none, 4, 1 -> 12/4 = 3 -> 60.0 %
    assert (groups[1]["commitments"], groups[1]["reported"], groups[1]["progress"]) == (5, 4, 60.0)
    assert groups[1]["coverage"] == 0.8
    assert groups[2] == {
        "pillar": 2,
        "label": groups[2]["label"],
        "commitments": 0,
        "reported": 0,
        "coverage": 0.0,
        "progress": None,
        "levels": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "not_reported": 0},
        "updated": 0,
        "reporting_rate": 0.0,
    }
    assert (groups[4]["reported"], groups[4]["progress"]) == (1, 0.0)  # 0 counts as reported


def test_earlier_period_uses_the_statuses_known_then(small):
    result = progress.compute(["country"], small["2023"]).as_dict()
    groups = {g["country"]: g for g in result["groups"]}
    # 2023: GTM only g2 = 2 -> 40 %; HND only h1 = 3 -> 60 %
    assert (groups["GTM"]["reported"], groups["GTM"]["progress"]) == (1, 40.0)
    assert (groups["HND"]["reported"], groups["HND"]["progress"]) == (1, 60.0)
    assert result["total"]["progress"] == 50.0


def test_filters_restrict_the_commitments(small):
    result = progress.compute(["pillar"], small["2024"], country="HND").as_dict()
    assert result["total"]["commitments"] == 2
    assert result["total"]["progress"] == 50.0  # (4 + 1) / 2 * 20
    only_pro = progress.compute([], small["2024"], focus_area="PRO", pillar=1).as_dict()
    assert only_pro["total"]["commitments"] == 4
    assert only_pro["total"]["progress"] == 73.3  # (5 + 2 + 4) / 3 * 20 = 73.33


def test_country_by_pillar_cells_and_filtered_dimension(small):
    result = progress.compute(["country", "pillar"], small["2024"], country="GTM").as_dict()
    cells = {(g["country"], g["pillar"]): g for g in result["groups"]}
    assert list(cells) == [("GTM", 1), ("GTM", 2), ("GTM", 3), ("GTM", 4)]
    assert cells[("GTM", 1)]["progress"] == 70.0  # (5 + 2) / 2 * 20
    assert cells[("GTM", 4)]["levels"]["0"] == 1
    assert result["total"]["commitments"] == 4


def test_nothing_reported_gives_null_progress_and_zero_coverage():
    CountryBuilder("PAN").commitment()
    result = progress.compute(period=period("2024")).as_dict()
    assert result["total"]["progress"] is None
    assert result["total"]["coverage"] == 0.0
    assert result["total"]["levels"]["not_reported"] == 1


def test_progress_rounds_half_up_to_one_decimal():
    b = CountryBuilder("MEX")
    for status in (1, 1, 2):  # 4/3 * 20 = 26.666.. -> 26.7
        report(b.commitment(), "2024", status)
    assert progress.compute(period=period("2024")).total.progress == 26.7


def test_unknown_grouping_is_refused():
    with pytest.raises(progress.ProgressError):
        progress.parse_by("pillar,region")
    with pytest.raises(progress.ProgressError):
        progress.parse_by("pillar,pillar")


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_data(size, django_assert_num_queries):
    b = CountryBuilder("SLV")
    for i in range(size):
        report(b.commitment("PRO", i % 4 + 1), "2024", i % 6)
    p = period("2024")
    # 1 listing the periods counted (their ranks go into the SQL) + 1 aggregate over
    # commitments (grouped) + 1 listing the pillars
    with django_assert_num_queries(3):
        progress.compute(["pillar"], p)
    # 1 periods + 1 aggregate + 1 countries + 1 pillars
    with django_assert_num_queries(4):
        progress.compute(["country", "pillar"], p)
    # 1 periods + 1 aggregate
    with django_assert_num_queries(2):
        progress.compute([], p)


def test_the_kept_query_text_follows_the_period_dates_and_the_filters():
    """tally keeps the text of its query by what it depends on (``_tally_sql``): a period whose
    end moves, or other filters, get their own, never an earlier one's."""
    gtm = CountryBuilder("GTM")
    c = gtm.commitment("PRO", 1)
    report(c, "2024-H2", 4)
    h1 = period("2024-H1")
    assert progress.compute(period=h1).total.reported == 0  # 2024-H2 ends after 30 June
    assert progress._tally_sql((), h1, {}) is progress._tally_sql((), h1, {})  # kept
    h1.end_date = h1.end_date.replace(year=2025)  # now it ends after 2024-H2
    h1.save()
    assert progress.compute(period=h1).total.reported == 1
    assert progress.compute(period=h1, country="HND").total.commitments == 0
    assert progress.compute(period=h1, country="GTM").total.commitments == 1


def test_compute_reads_no_periods_when_given_them(django_assert_num_queries):
    """With every period already read (``periods=``), the periods counted are taken from them:
    the same figures, one query fewer."""
    from periods.models import ReportingPeriod

    b = CountryBuilder("SLV")
    for i in range(12):
        report(b.commitment("PRO", i % 4 + 1), "2024", i % 6)
        report(b.commitment("JOB", i % 4 + 1), "2023", (i + 2) % 6)
    everything = list(ReportingPeriod.objects.all())
    for code in ("2023", "2024"):
        p = period(code)
        expected = progress.compute(["pillar"], p).as_dict()
        # 1 aggregate (the periods' ranks written into it) + 1 listing the pillars
        with django_assert_num_queries(2):
            got = progress.compute(["pillar"], p, periods=everything).as_dict()
        assert got == expected
