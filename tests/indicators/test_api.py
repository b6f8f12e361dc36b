"""The indicators API: the same matrix as statuses, through the one service; OpenAPI
documents every response code; list endpoints cost a constant number of queries."""

import pytest
from rest_framework.test import APIClient

from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicator-values/"


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def body(iso3="GTM", **extra):
    return {
        "indicator": "IDP_ASSISTED",
        "country": iso3,
        "value": "120",
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "period_label_en": "January to June 2024",
        "source_document": "National registry",
        "source_section": "Table 2",
        **extra,
    }


# (who, country) -> (HTTP status, review state of the written value or None: nothing written)
POSTS = [
    ("sofia", "HND", 201, "approved"),
    ("gabriel", "GTM", 201, "submitted"),
    ("gabriel", "HND", 403, None),
    ("pat", "GTM", 403, None),
    (None, "GTM", 403, None),
]


def test_who_may_post_where(people):
    for who, iso3, status, state in POSTS:
        before = IndicatorValue.objects.count()
        response = api(people.get(who)).post(URL, body(iso3), format="json")
        assert response.status_code == status, (who, iso3, response.content)
        if state is None:
            assert IndicatorValue.objects.count() == before
            continue
        data = response.json()
        assert (data["review_state"], data["route"], data["value"]) == (state, "api", "120.00")
        assert data["period"] == "January to June 2024"  # the period as stated


def test_reading_per_role(people):
    api(people["gabriel"]).post(URL, body("GTM"), format="json")
    api(people["hugo"]).post(URL, body("HND"), format="json")

    def states(user, **params):
        rows = api(user).get(URL, {"page_size": 500, **params}).json()["results"]
        return {(r["country"], r["review_state"]) for r in rows if r["indicator"] == "IDP_ASSISTED"}

    approved = {("HND", "approved"), ("SLV", "approved")}
    assert states(None) == approved  # the public: approved values only
    assert states(people["pat"]) == approved
    assert states(people["gabriel"]) == approved | {("GTM", "submitted")}  # own country in full
    assert states(people["sofia"]) == approved | {("GTM", "submitted"), ("HND", "submitted")}
    assert states(None, review_state="submitted") == set()  # a filter cannot widen what is seen
    assert api().get(URL, {"country": "ZZZ"}).json()["count"] == 0


def test_review_through_the_api(people):
    created = api(people["gabriel"]).post(URL, body(), format="json").json()
    approve, give_back = f"{URL}{created['id']}/approve/", f"{URL}{created['id']}/return/"
    assert api(people["gabriel"]).post(approve).status_code == 403
    assert api(people["hugo"]).post(approve).status_code == 404  # not visible to hugo
    assert api().post(approve).status_code == 403
    assert api(people["sofia"]).post(give_back, {}, format="json").status_code == 400
    response = api(people["sofia"]).post(give_back, {"comment": "Which table?"}, format="json")
    assert response.status_code == 200 and response.json()["review_state"] == "returned"
    assert api(people["sofia"]).post(approve).status_code == 409  # no longer awaiting review
    again = api(people["gabriel"]).post(
        URL, body(value="125", base_version=created["id"]), format="json"
    )
    assert again.status_code == 201
    response = api(people["sofia"]).post(f"{URL}{again.json()['id']}/approve/")
    assert response.status_code == 200 and response.json()["review_state"] == "approved"
    assert api().get(f"{URL}{again.json()['id']}/").json()["value"] == "125.00"


def test_conflicts_and_bad_input(people):
    first = api(people["sofia"]).post(URL, body("HND"), format="json").json()
    stale = api(people["sofia"]).post(URL, body("HND", value="130"), format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["id"] == first["id"] and "already has" in stale.json()["detail"]
    bad = api(people["sofia"]).post(
        URL,
        body("HND", value="-1", period_start="", period_end="", source_document=""),
        format="json",
    )
    assert bad.status_code == 400
    assert {"value", "source_document"} <= set(bad.json())
    no_period = api(people["sofia"]).post(
        URL, body("HND", period_start=None, period_end=None), format="json"
    )
    assert no_period.status_code == 400 and "period_end" in no_period.json()
    assert (
        api(people["sofia"]).post(URL, body("HND", indicator="NOPE"), format="json").status_code
        == 400
    )


def test_catalogue_and_links(context_data):
    rows = api().get("/api/v1/indicators/").json()
    assert len(rows) == 90 and rows[0]["code"] == "REF_RECOGNISED"
    linked = api().get("/api/v1/indicators/", {"commitment": "GTM-JOB-01"}).json()
    assert [r["code"] for r in linked] == ["WORK_PERMITS_REFUGEES", "WORK_PERMITS_ASYLUM_SEEKERS"]
    assert api().get("/api/v1/indicators/PINIP/").json()["higher_is_better"] is None


def test_openapi_documents_every_response(context_data):
    schema = api().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    codes = lambda path, method: set(paths[path][method]["responses"])  # noqa: E731
    # Every operation also documents what the project's schema class adds everywhere
    # (mirps/api_schema.py): 400 for invalid characters, 403, 429 for the throttle, and for an
    # operation that takes a body, 415 for a body of no type it reads.
    assert codes("/api/v1/indicator-values/", "post") == {
        "201",
        "400",
        "401",
        "403",
        "409",
        "415",
        "429",
    }
    assert codes("/api/v1/indicator-values/{id}/approve/", "post") == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "415",
        "429",
    }
    assert codes("/api/v1/indicator-values/{id}/return/", "post") >= {"200", "400", "409"}
    assert codes("/api/v1/quantifications/{code}/", "get") == {"200", "400", "403", "404", "429"}
    assert codes("/api/v1/funding-summary/", "get") == {"200", "400", "403", "429"}
    assert "/api/v1/funding-lines/" in paths and "/api/v1/indicators/" in paths


QUERIES = [
    # the page of values (count + rows with indicator, country, author)
    (URL, 2),
    # the catalogue with focus area and pillar
    ("/api/v1/indicators/", 1),
    # the quantifications; per quantification: lines, sums, by focus area, by country, by source
    ("/api/v1/quantifications/", 1 + 5),
    # count + lines with amounts
    ("/api/v1/funding-lines/", 2),
    # sums + groups
    ("/api/v1/funding-summary/?by=focus_area", 2),
]


def test_list_query_counts_are_pinned(context_data, django_assert_num_queries):
    client = api()
    for url, queries in QUERIES:
        with django_assert_num_queries(queries, info=url):
            assert client.get(url).status_code == 200
