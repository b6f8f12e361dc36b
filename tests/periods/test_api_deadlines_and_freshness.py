"""The reporting cycle in the API: periods' deadlines and days left, late status updates, and
freshness ("updated in this period") beside coverage in the progress endpoint and its schema."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.builders import CountryBuilder, period, report, secretariat

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_periods_give_their_deadlines_and_days_left(api, django_assert_num_queries):
    today = timezone.localdate()
    code = str(today.year)
    open_period = period(code)
    open_period.submission_deadline = today + dt.timedelta(days=9)
    open_period.review_deadline = today + dt.timedelta(days=20)
    open_period.save()
    period("2019")  # no calendar
    # 1 query: the periods (days left are computed from today, no query)
    with django_assert_num_queries(1):
        body = {p["code"]: p for p in api.get("/api/v1/periods/").json()}
    assert body[code]["submission_deadline"] == (today + dt.timedelta(days=9)).isoformat()
    assert body[code]["review_deadline"] == (today + dt.timedelta(days=20)).isoformat()
    assert body[code]["days_left"] == 9
    assert body[code]["locked"] is False
    assert (body["2019"]["submission_deadline"], body["2019"]["days_left"]) == (None, None)
    open_period.submission_deadline = max(today - dt.timedelta(days=2), open_period.start_date)
    open_period.review_deadline = None
    open_period.save()
    days = (open_period.submission_deadline - today).days
    assert days <= 0
    assert api.get(f"/api/v1/periods/{code}/").json()["days_left"] == days


def test_status_updates_say_when_they_were_late(api):
    b = CountryBuilder("GTM")
    on_time, late = b.commitment(), b.commitment()
    p = period("2022")  # in force: the 2021 plans start on 1 January 2021
    user = secretariat()
    record_status(commitment=on_time, period=p, status=2, user=user, narrative="Begun.")
    p.submission_deadline = p.start_date
    p.save()
    # after the deadline
    record_status(commitment=late, period=p, status=3, user=user, narrative="Half way.")
    api.force_authenticate(user)
    rows = {r["commitment"]: r for r in api.get("/api/v1/status-updates/").json()["results"]}
    assert rows[on_time.code]["late"] is False
    assert rows[late.code]["late"] is True
    # read-only: a client cannot mark its own update on time
    payload = {"commitment": on_time.code, "period": "2022", "status": 4, "late": False}
    payload["narrative"] = "Nearly done."
    payload["base_version"] = StatusUpdate.objects.get(commitment=on_time).pk
    assert api.post("/api/v1/status-updates/", payload, format="json").status_code == 201
    assert StatusUpdate.objects.filter(commitment=on_time).latest("id").late is True


def test_progress_gives_updated_beside_coverage(api):
    gtm = CountryBuilder("GTM")
    old, fresh, _never = gtm.commitment(), gtm.commitment(), gtm.commitment()
    report(old, "2023", 3)  # covered as of 2024, not updated in 2024
    report(fresh, "2024", 4)
    body = api.get("/api/v1/progress/", {"by": "country", "period": "2024"}).json()
    (group,) = [g for g in body["groups"] if g["country"] == "GTM"]
    assert (group["reported"], group["coverage"]) == (2, round(2 / 3, 4))
    assert (group["updated"], group["reporting_rate"]) == (1, round(1 / 3, 4))
    latest = api.get("/api/v1/progress/").json()  # no period: no "this period"
    assert (latest["total"]["updated"], latest["total"]["reporting_rate"]) == (None, None)


def test_schema_documents_deadlines_late_and_freshness(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    period_fields = components["Period"]["properties"]
    for name in ("submission_deadline", "review_deadline", "days_left"):
        assert name in period_fields, name
    assert components["StatusUpdate"]["properties"]["late"]["readOnly"] is True
    stats = components["ProgressStats"]["properties"]
    assert {"updated", "reporting_rate", "coverage"} <= set(stats)
    assert "period itself" in stats["updated"]["description"]
    progress_op = schema["paths"]["/api/v1/progress/"]["get"]
    response = progress_op["responses"]["200"]["content"]["application/json"]["schema"]
    assert response["$ref"].endswith("/ProgressResult")
