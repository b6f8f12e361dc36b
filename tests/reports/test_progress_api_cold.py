"""The progress API with every cache emptied: few round trips, the same answers (issue 20)."""

import pytest
from django.core.cache import cache

from mirps.vocabulary import Route
from reports import progress
from tests.builders import CountryBuilder, period, report


@pytest.fixture
def data(db):
    slv, gtm = CountryBuilder("SLV"), CountryBuilder("GTM")
    for i in range(8):
        report(slv.commitment("PRO", i % 4 + 1), "2024", i % 6)
        report(gtm.commitment("JOB", i % 4 + 1), "2023", (i + 3) % 6)
    return slv, gtm


def _get(client, **params):
    cache.clear()
    progress._TALLY_SQL.clear()
    return client.get("/api/v1/progress/", params)


def test_the_answer_is_the_engines_and_the_demo_flag_follows_the_data(client, data):
    body = _get(client, by="country", period="2024").json()
    engine = progress.compute(["country"], period("2024")).as_dict()
    assert {k: body[k] for k in engine} == engine
    assert body["demo_data"] is False
    report(data[0].commitment("EDU", 1), "2023", 2, source=Route.DEMO)
    body = _get(client, by="country", period="2024").json()
    assert body["demo_data"] is True
    assert body["total"] == progress.compute([], period("2024")).total.as_dict()


def test_filters_are_checked_one_query_each(client, data, django_assert_num_queries):
    # every period with the demo flag; the country exists; the focus area exists; the
    # aggregate; the pillars
    with django_assert_num_queries(1 + 1 + 1 + 1 + 1):
        response = _get(client, by="pillar", period="2024", country="slv", focus_area="pro")
    assert response.status_code == 200
    engine = progress.compute(["pillar"], period("2024"), country="SLV", focus_area="PRO")
    assert response.json()["groups"] == engine.as_dict()["groups"]
    assert _get(client, country="ZZZ").status_code == 400
    assert _get(client, focus_area="ZZZ").status_code == 400
    assert _get(client, period="1999").status_code == 400


def test_without_any_period_the_answer_is_empty_and_not_demo(client, db):
    from periods.models import ReportingPeriod

    assert not ReportingPeriod.objects.exists()
    # no period: the one query finds none (no status can exist), then the aggregate
    body = _get(client).json()
    assert body["demo_data"] is False and body["total"]["commitments"] == 0
