"""Freshness beside coverage: "updated in this period" in the engine, on a hand-built dataset.

Coverage counts any approved status reported in the period or before; ``updated`` counts only
the commitments with an approved status reported in the period itself.
"""

import re

import pytest

from mirps.vocabulary import ReviewState
from reports import progress
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    """GTM (pillar 1): a reported in 2023 only; b in 2023 and 2024; c in 2024 only; d never;
    e submitted in 2024 (not approved: counts nowhere).
    HND (pillar 4): f reported in 2024-H2 only (same end as 2024, later start); g in 2024 and
    2024-H2 (its status as of 2024 is H2's, yet it was reported in 2024 too)."""
    gtm, hnd = CountryBuilder("GTM"), CountryBuilder("HND")
    a, b, c, _d, e = (gtm.commitment("PRO", 1) for _ in range(5))
    f, g = hnd.commitment("EDU", 4), hnd.commitment("EDU", 4)
    report(a, "2023", 3)
    report(b, "2023", 1)
    report(b, "2024", 2)
    report(c, "2024", 5)
    pending = report(e, "2024", 4)
    pending.review_state = ReviewState.SUBMITTED
    pending.save(update_fields=["review_state"])
    report(f, "2024-H2", 1)
    report(g, "2024", 2)
    report(g, "2024-H2", 4)
    return {code: period(code) for code in ("2023", "2024", "2024-H2")}


def _by(result, key):
    return {g[key]: g for g in result.as_dict()["groups"]}


def test_a_status_from_an_earlier_period_covers_but_is_not_updated(cycle):
    countries = _by(progress.compute(["country"], cycle["2024"]), "country")
    gtm = countries["GTM"]
    # covered as of 2024: a (2023), b, c; updated in 2024: b and c only
    assert (gtm["commitments"], gtm["reported"], gtm["updated"]) == (5, 3, 2)
    assert gtm["coverage"] == 0.6
    assert gtm["reporting_rate"] == 0.4
    # as of 2023: a and b, both reported in 2023 itself
    gtm_2023 = _by(progress.compute(["country"], cycle["2023"]), "country")["GTM"]
    assert (gtm_2023["reported"], gtm_2023["updated"]) == (2, 2)


def test_a_period_ending_the_same_day_does_not_hide_a_report_in_the_period(cycle):
    hnd = _by(progress.compute(["country"], cycle["2024"]), "country")["HND"]
    # as of 2024 both f and g show their 2024-H2 status; only g was reported in 2024 itself
    assert (hnd["reported"], hnd["updated"]) == (2, 1)
    assert hnd["levels"]["4"] == 1 and hnd["levels"]["1"] == 1
    h2 = _by(progress.compute(["country"], cycle["2024-H2"]), "country")["HND"]
    assert (h2["reported"], h2["updated"]) == (2, 2)


def test_totals_groups_and_filters_agree(cycle):
    result = progress.compute(["pillar"], cycle["2024"])
    assert result.total.updated == 3  # b, c, g
    assert result.total.reporting_rate == 3 / 7
    pillars = _by(result, "pillar")
    assert [pillars[n]["updated"] for n in (1, 2, 3, 4)] == [2, 0, 0, 1]
    assert progress.compute([], cycle["2024"], country="HND").total.updated == 1
    assert progress.compute([], cycle["2024"], pillar=1, focus_area="PRO").total.updated == 2


def test_without_a_period_there_is_no_updated_figure(cycle):
    total = progress.compute([], None).as_dict()["total"]
    assert total["reported"] == 5
    assert (total["updated"], total["reporting_rate"]) == (None, None)


def test_trend_and_dashboard_numbers_carry_the_same_freshness(cycle):
    periods = list(cycle.values())
    by_code = {p.code: stats for p, stats in progress.trend(periods)}
    for code, p in cycle.items():
        assert by_code[code].as_dict() == progress.compute(period=p).total.as_dict(), code
    assert [by_code[c].updated for c in ("2023", "2024", "2024-H2")] == [2, 3, 2]
    counts, _timeline = progress.numbers(cycle["2024"], periods)
    assert counts == progress.tally(progress.ALL_DIMENSIONS, cycle["2024"])


@pytest.mark.parametrize("size", [3, 30])
def test_freshness_adds_no_query(size, cycle, django_assert_num_queries):
    b = CountryBuilder("SLV")
    for i in range(size):
        report(b.commitment("PRO", i % 4 + 1), "2023" if i % 2 else "2024", i % 6)
    p = cycle["2024"]
    # 1 aggregate (statuses as of 2024 and, conditionally counted, those reported in 2024)
    # + 1 listing the periods counted (their ranks go into the SQL) + 1 listing the pillars
    with django_assert_num_queries(3):
        result = progress.compute(["pillar"], p)
    assert result.total.updated == 3 + (size + 1) // 2
    # 1 periods + 1 aggregate
    with django_assert_num_queries(2):
        progress.compute([], p)
    # 1 query: counts and timeline (trend, what moved, updated per period) together
    periods = list(cycle.values())
    with django_assert_num_queries(1):
        counts, timeline = progress.numbers(p, periods)
    assert sum(counts.updated.values()) == timeline.updated[1] == result.total.updated


# --- On the pages, in both languages ---------------------------------------------------------


@pytest.mark.parametrize(
    "language, card",
    [
        ("en", "updated in 2024: {u} of {n} commitments reported in this period itself"),
        ("es", "actualizados en 2024: {u} de {n} compromisos reportados en este mismo período"),
    ],
)
def test_dashboard_and_country_page_show_updated_beside_coverage(client, cycle, language, card):
    home = client.get("/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert card.format(u=3, n=7) in home
    assert ">43%<" in home  # 3 ÷ 7, beside the coverage 5 ÷ 7 = 71%
    assert ">71%<" in home
    # the by-country bars: GTM updated 2 of 5, HND 1 of 2
    assert '40% <span class="muted small">(2/5)</span>' in home
    assert '50% <span class="muted small">(1/2)</span>' in home
    if language == "en":  # the heatmap cell GTM × pillar 1 says it on hover
        assert 'title="updated in 2024: 2 of 5"' in home
    country = client.get(
        "/countries/GTM/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert card.format(u=2, n=5) in country
    # the trend: GTM updated 2 of 5 in 2023 (a, b), 2 in 2024 (b, c), 0 in 2024-H2
    trend = country[country.index("trend-table") :]
    assert [
        m
        for m in re.findall(
            r'class="num fresh">(?:<span class="phone-label">[^<]*</span>)?(\d+%) ', trend
        )
    ] == ["40%", "40%", "0%"]


def test_the_methodology_box_explains_updated(client, cycle):
    html = client.get("/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Updated in 2024: 3 of the 7 commitments have an approved status reported in" in html


def test_no_template_comment_leaks_into_the_pages(client, cycle):
    # a {# #} comment spans one line only: the content templates' notes must not show
    for url in ("/", "/countries/GTM/", "/commitments/", "/changes/"):
        assert "{#" not in client.get(url).content.decode(), url


def test_embed_and_methodology_give_updated_too(client, cycle):
    embed = client.get("/embed/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "actualizados en 2024: 3 de 7 compromisos reportados en este mismo período" in embed
    method = client.get("/methodology/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Updated in the period = commitments with an approved status" in method
    assert "is marked stale in lists and on its page" in method


def test_figures_cached_by_the_code_before_are_never_read(cycle, settings):
    # the cache outlives a deploy: an entry in the old shape must be out of reach
    from reports import cache as figures

    old_key = figures._key("numbers", ["x"]).replace(f"reports:{figures.CACHE_FORMAT}:", "reports:")
    figures.cache.set(old_key, {"counts": {}})
    assert figures.cached("numbers", ["x"], lambda: "fresh") == "fresh"
