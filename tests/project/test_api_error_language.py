"""Issue 11: every API error message follows the request's language (Accept-Language), the 403
as well as the 409 (the 403's text used to be English only)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.builders import member, period, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    loaded_plans()
    period("2024")


PAYLOAD = {"commitment": "GTM-HEA-01", "period": "2024", "status": 3, "narrative": "Done."}


@pytest.mark.parametrize(
    "language, forbidden, conflict",
    [
        ("es", "Solo puede registrar estados de su propio país.", "registró"),
        ("en", "You may only record statuses for your own country.", "recorded"),
    ],
)
def test_403_and_409_speak_the_readers_language(plans, language, forbidden, conflict):
    # hnd: Honduras' team, may not record for Guatemala
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(member("hnd", "HND"))
    response = api.post("/api/v1/status-updates/", PAYLOAD, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == forbidden
    # no role at all
    api.force_authenticate(get_user_model().objects.create_user("someone", password="pw-x-12345"))
    assert api.post("/api/v1/status-updates/", PAYLOAD, format="json").json()["detail"] == forbidden
    # 409: a stale base_version
    api.force_authenticate(secretariat())
    first = api.post("/api/v1/status-updates/", {**PAYLOAD, "base_version": 0}, format="json")
    assert first.status_code == 201
    second = api.post(
        "/api/v1/status-updates/", {**PAYLOAD, "base_version": 0, "status": 4}, format="json"
    )
    assert second.status_code == 409
    assert conflict in second.json()["detail"]
    # anonymous: DRF's own message, translated too
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE=language).post(
        "/api/v1/status-updates/", PAYLOAD, format="json"
    )
    assert anonymous.status_code in (401, 403)
    text = anonymous.json()["detail"]
    assert ("credenciales" in text) if language == "es" else ("credentials" in text)


@pytest.mark.parametrize(
    "language, unknown_period, bad_by",
    [
        ("es", "Período de reporte desconocido: 1999", "debe ser una lista"),
        ("en", "Unknown reporting period: 1999", "must be a comma-separated list"),
    ],
)
def test_400s_speak_the_readers_language(plans, language, unknown_period, bad_by):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    response = api.get("/api/v1/progress/", {"by": "pillar", "period": "1999"})
    assert response.status_code == 400
    assert response.json()["period"] == [unknown_period]
    response = api.get("/api/v1/progress/", {"by": "pillar,nonsense"})
    assert response.status_code == 400
    assert bad_by in response.json()["by"][0]
