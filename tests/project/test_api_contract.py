"""The REST API contract under /api/v1/."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from demo.services import seed_demo
from mirps.vocabulary import Route
from statuses.models import StatusUpdate
from tests.builders import period, report, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def plans():
    loaded_plans()


@pytest.fixture
def staff(api):
    # sofia: secretariat; may record statuses for any country through the API.
    user = secretariat()
    api.force_authenticate(user)
    return user


def test_reference_endpoints(api, plans):
    assert [c["iso3"] for c in api.get("/api/v1/countries/").json()] == [
        "BLZ",
        "CRI",
        "SLV",
        "GTM",
        "HND",
        "MEX",
        "PAN",
    ]
    assert [p["number"] for p in api.get("/api/v1/pillars/").json()] == [1, 2, 3, 4]
    assert [f["code"] for f in api.get("/api/v1/focus-areas/").json()] == [
        "PRO",
        "JOB",
        "SOC",
        "EDU",
        "HEA",
    ]
    assert api.get("/api/v1/periods/2024/").json()["kind"] == "annual"
    assert api.get("/api/v1/countries/GTM/").json()["name_es"] == "Guatemala"


def test_plans_show_stated_beside_loaded(api, plans):
    plans_by_country = {p["country"]: p for p in api.get("/api/v1/plans/").json()}
    hnd = plans_by_country["HND"]
    assert (hnd["stated_total"], hnd["loaded_total"], hnd["matches"]) == (44, 43, False)
    pro = next(a for a in hnd["by_focus_area"] if a["focus_area"] == "PRO")
    assert (pro["stated"], pro["loaded"]) == (39, 38)
    assert plans_by_country["CRI"]["matches"] is True


def test_commitment_list_is_paginated_and_filtered(api, plans):
    body = api.get("/api/v1/commitments/", {"page_size": 500}).json()
    assert body["count"] == 229 and len(body["results"]) == 229
    assert api.get("/api/v1/commitments/", {"page_size": 1000}).json()["results"].__len__() == 229
    gtm = api.get("/api/v1/commitments/", {"country": "GTM", "page_size": 100}).json()
    assert gtm["count"] == 30
    item = gtm["results"][0]
    assert {"code", "country", "focus_area", "pillar", "text", "text_es", "status"} <= set(item)
    assert (item["code"], item["country"], item["focus_area"]) == ("GTM-PRO-01", "GTM", "PRO")
    assert item["status"] is None and item["status_period"] is None
    hea = api.get("/api/v1/commitments/", {"country": "SLV", "focus_area": "HEA"}).json()
    assert hea["count"] == 7
    pillar = api.get("/api/v1/commitments/", {"pillar": 4, "country": "PAN"}).json()
    assert all(r["pillar"] == 4 for r in pillar["results"])
    found = api.get("/api/v1/commitments/", {"q": "drivers licenses"}).json()
    assert [r["code"] for r in found["results"]] == ["PAN-JOB-03"]
    # both languages, whatever the accents and case (CommitmentQuerySet.search)
    spanish = api.get("/api/v1/commitments/", {"q": "LICENCIAS de conducir"}).json()
    assert "PAN-JOB-03" in [r["code"] for r in spanish["results"]]
    detail = api.get("/api/v1/commitments/PAN-JOB-03/").json()
    assert detail["pillar_rationale"] and detail["pillar_rationale_es"] and detail["text_es"]


def test_status_and_period_filters(api, plans):
    from commitments.models import Commitment

    c = Commitment.objects.get(code="GTM-HEA-01")
    report(c, "2022", 2)
    report(c, "2024", 5)
    as_2023 = api.get("/api/v1/commitments/", {"period": "2023", "status": 2}).json()
    assert [r["code"] for r in as_2023["results"]] == ["GTM-HEA-01"]
    assert as_2023["results"][0]["status_period"] == "2022"
    latest = api.get("/api/v1/commitments/", {"status": 5}).json()
    assert [r["code"] for r in latest["results"]] == ["GTM-HEA-01"]
    not_reported = api.get("/api/v1/commitments/", {"status": "not_reported"}).json()
    assert not_reported["count"] == 228


def test_bad_filters_get_400(api, plans):
    assert api.get("/api/v1/commitments/", {"period": "1999"}).status_code == 400
    assert api.get("/api/v1/commitments/", {"status": 9}).status_code == 400
    assert api.get("/api/v1/commitments/", {"focus_area": "ZZZ"}).status_code == 400


def test_commitment_detail_by_code_with_history(api, plans):
    from commitments.models import Commitment

    c = Commitment.objects.get(code="BLZ-EDU-01")
    report(c, "2021", 1, narrative="Started")
    report(c, "2023", 3, narrative="Half way")
    body = api.get("/api/v1/commitments/BLZ-EDU-01/").json()
    assert body["status"] == 3
    assert [(h["period"], h["status"], h["narrative"]) for h in body["history"]] == [
        ("2021", 1, "Started"),
        ("2023", 3, "Half way"),
    ]
    assert api.get("/api/v1/commitments/NOPE-01/").status_code == 404


def test_staff_posts_a_status(api, plans, staff):
    response = api.post(
        "/api/v1/status-updates/",
        {
            "commitment": "GTM-HEA-01",
            "period": "2024",
            "status": 3,
            "narrative": "Unit staffed",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    update = StatusUpdate.objects.get()
    assert (update.status, update.source, update.created_by) == (3, Route.API, staff)
    assert response.json()["status_label"]


def test_invalid_status_post_gets_a_message_per_field(api, plans, staff):
    response = api.post(
        "/api/v1/status-updates/",
        {
            "commitment": "ZZZ-PRO-01",
            "period": "1990",
            "status": 8,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"commitment", "period", "status"}
    assert StatusUpdate.objects.count() == 0


def test_anonymous_and_users_without_a_role_cannot_post(api, plans):
    payload = {"commitment": "GTM-HEA-01", "period": "2024", "status": 3}
    assert api.post("/api/v1/status-updates/", payload, format="json").status_code in (401, 403)
    user = get_user_model().objects.create_user("someone", password="pw-someone-123")
    api.force_authenticate(user)
    assert api.post("/api/v1/status-updates/", payload, format="json").status_code == 403
    assert StatusUpdate.objects.count() == 0


def test_progress_contract(api, plans):
    body = api.get("/api/v1/progress/", {"by": "pillar", "period": "2024"}).json()
    assert body["period"] == "2024" and body["by"] == ["pillar"]
    assert set(body["total"]) == {
        "commitments",
        "reported",
        "coverage",
        "progress",
        "levels",
        "updated",
        "reporting_rate",
    }
    assert body["total"]["commitments"] == 229 and body["total"]["progress"] is None
    assert [g["pillar"] for g in body["groups"]] == [1, 2, 3, 4]
    assert set(body["total"]["levels"]) == {"0", "1", "2", "3", "4", "5", "not_reported"}
    assert body["demo_data"] is False
    cells = api.get("/api/v1/progress/", {"by": "country,pillar", "country": "GTM"}).json()
    assert {(g["country"], g["pillar"]) for g in cells["groups"]} == {
        ("GTM", n) for n in range(1, 5)
    }
    assert sum(g["commitments"] for g in cells["groups"]) == 30
    fa = api.get("/api/v1/progress/", {"by": "focus_area", "country": "BLZ"}).json()
    assert {g["focus_area"]: g["commitments"] for g in fa["groups"]} == {
        "PRO": 6,
        "JOB": 3,
        "SOC": 0,
        "EDU": 1,
        "HEA": 0,
    }


def test_progress_bad_parameters_get_400_per_field(api, plans):
    response = api.get(
        "/api/v1/progress/",
        {"by": "region", "period": "1999", "country": "ZZZ", "pillar": 7, "focus_area": "ABC"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"by", "period", "country", "pillar", "focus_area"}


def test_progress_says_when_demo_data_is_counted(api, plans):
    seed_demo()
    body = api.get("/api/v1/progress/", {"by": "pillar", "period": "2024"}).json()
    assert body["demo_data"] is True
    item = api.get("/api/v1/commitments/", {"status": 3}).json()["results"][0]
    assert item["status_demo"] is True


def test_progress_api_equals_the_engine(api, plans):
    from reports import progress

    seed_demo()
    body = api.get("/api/v1/progress/", {"by": "country", "period": "2023"}).json()
    engine = progress.compute(["country"], period("2023")).as_dict()
    assert body["groups"] == engine["groups"] and body["total"] == engine["total"]


@pytest.mark.parametrize("size", [2, 20])
def test_list_endpoints_query_count_is_constant(api, plans, size, django_assert_num_queries):
    from commitments.models import Commitment

    for i, c in enumerate(Commitment.objects.all()[:size]):
        report(c, "2024", i % 6)
        report(c, "2023", 0)
    # 1 count for pagination + 1 page of commitments (joins and status subqueries inline)
    # + the page's lineage (predecessor and successor codes, issue 22)
    with django_assert_num_queries(3):
        assert api.get("/api/v1/commitments/").status_code == 200
    # period lookup + count + page + lineage
    with django_assert_num_queries(4):
        api.get("/api/v1/commitments/", {"period": "2023", "status": 0})
    # every period with the demo flag (what the period is checked against; their ranks go into
    # the aggregate) + 1 aggregate + 1 pillar list
    with django_assert_num_queries(1 + 1 + 1):
        api.get("/api/v1/progress/", {"by": "pillar", "period": "2024"})
    # then the same answer from the cache, until a figure changes
    with django_assert_num_queries(0):
        api.get("/api/v1/progress/", {"by": "pillar", "period": "2024"})
    # count + page of updates with their commitment, period and user
    with django_assert_num_queries(2):
        api.get("/api/v1/status-updates/")
    # plans with country + stated counts with focus area + loaded counts
    with django_assert_num_queries(3):
        api.get("/api/v1/plans/")
    # commitment + its history (with period and user) + its lineage
    with django_assert_num_queries(3):
        api.get(f"/api/v1/commitments/{c.code}/")


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/progress/" in text and "/api/v1/commitments/{code}/" in text
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # Swagger UI is served from our static files


def test_public_gets_need_no_sign_in_in_the_schema_and_writes_do(api):
    # Swagger UI draws a padlock on every operation with a security requirement: the public
    # GETs have none, the writes and the spreadsheet uploads (accounts only) list both schemes.
    paths = api.get("/api/schema/?format=json").json()["paths"]
    for public in ["/api/v1/progress/", "/api/v1/commitments/", "/api/v1/status-updates/"]:
        assert "security" not in paths[public]["get"], public
    assert "security" not in paths["/api/v1/commitments/{code}/"]["get"]
    schemes = [{"cookieAuth": []}, {"basicAuth": []}]
    assert paths["/api/v1/status-updates/"]["post"]["security"] == schemes
    assert paths["/api/v1/spreadsheet-uploads/"]["get"]["security"] == schemes


def test_api_root_lists_progress_and_every_collection(api):
    root = api.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert list(root)[0] == "progress"
    assert root["progress"].endswith("/api/v1/progress/")
    for name in ["countries", "commitments", "status-updates", "funding-summary", "indicators"]:
        assert root[name].endswith(f"/api/v1/{name}/"), name
    assert api.get(root["progress"]).status_code == 200


def test_browsable_api_renders(client, plans):
    response = client.get("/api/v1/commitments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"GTM-PRO-01" in response.content


def test_every_route_answers_a_format_suffix_without_a_500(api, plans):
    """The router also serves each route with a format suffix (``/quantifications.json``,
    ``/quantifications/<code>.json/``): found by schemathesis, a view that did not take the
    ``format`` argument answered 500. Every list and detail route, anonymous and secretariat."""
    from mirps.urls import router

    staff_user = secretariat()
    for prefix, _viewset, _basename in router.registry:
        for url in (f"/api/v1/{prefix}.json", f"/api/v1/{prefix}/x.json/"):
            for user in (None, staff_user):
                api.force_authenticate(user)
                status = api.get(url).status_code
                assert status in (200, 401, 403, 404, 405), (url, user, status)
