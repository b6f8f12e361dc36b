"""Evidence links (issue 19): one rule (mirps/links.py) for the status form, the API and the
spreadsheets: www.… is completed to https://…, only http(s), at most 500 characters, with a
message on every route (a longer one through the form or a sheet used to answer 500)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from commitments.models import Commitment
from mirps.links import LINK_MAX_LENGTH, clean_link
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from tests import cast as casts
from tests.cast import client_in

# Guatemala's team and the secretariat (formerly tests/forms/conftest.py).
people = casts.team_and_secretariat


pytestmark = pytest.mark.django_db

LONG = "https://example.org/" + "a" * (LINK_MAX_LENGTH - 19)  # 501 characters


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.example.org/x", "https://www.example.org/x"),
        ("  example.org/report.pdf ", "https://example.org/report.pdf"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://Example.org/A?b=1", "HTTPS://Example.org/A?b=1"),
        ("//example.org/x", "https://example.org/x"),
        ("example.org:8080/x", "https://example.org:8080/x"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_link_is_read_as_people_type_it(typed, stored):
    assert clean_link(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (LONG, "link_too_long"),
        ("www.example.org/" + "x" * 485, "link_too_long"),  # 500 typed, 508 with https://
        ("javascript:alert(1)", "link_invalid"),
        ("mailto:team@example.org", "link_invalid"),
        ("ftp://example.org/file", "link_invalid"),
        ("not a link", "link_invalid"),
    ],
)
def test_a_link_that_is_not_one_or_too_long_is_refused_with_a_code(typed, code):
    with pytest.raises(ValidationError) as refused:
        clean_link(typed)
    assert refused.value.code == code


def status_post(client, code="GTM-PRO-01", **data):
    body = {"status": 2, "narrative": "Some progress", "base_version": 0, **data}
    return client.post(f"{reverse('workspace-commitment', args=[code])}?period=2025", body)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_status_form_refuses_a_long_link_with_a_message_and_keeps_what_was_typed(
    people, language
):
    response = status_post(client_in(language, people["gabriel"]), evidence_url=LONG)
    html = response.content.decode()
    assert response.status_code == 200
    said = {"es": "el límite es 500", "en": "the limit is 500"}[language]
    assert said in html and LONG in html and "Some progress" in html
    assert not StatusUpdate.objects.exists()


def test_the_status_form_accepts_www_and_stores_https(people):
    client = client_in("en", people["gabriel"])
    page = client.get(f"{reverse('workspace-commitment', args=['GTM-PRO-01'])}?period=2025")
    html = page.content.decode()
    # a text input for links, so the browser's url check cannot block www.…
    assert 'name="evidence_url"' in html and 'inputmode="url"' in html
    assert 'type="url"' not in html
    response = status_post(client, evidence_url="www.example.org/x")
    assert response.status_code == 302
    assert StatusUpdate.objects.get().evidence_url == "https://www.example.org/x"


def api_client(user, language="en"):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_api_gives_the_same_rule_and_message(people, language):
    api = api_client(people["gabriel"], language)
    body = {"commitment": "GTM-PRO-01", "period": "2025", "status": 2, "narrative": "n"}
    refused = api.post("/api/v1/status-updates/", {**body, "evidence_url": LONG}, format="json")
    assert refused.status_code == 400
    said = {"es": "el límite es 500", "en": "the limit is 500"}[language]
    assert said in refused.json()["evidence_url"][0]
    invalid = api.post(
        "/api/v1/status-updates/", {**body, "evidence_url": "javascript:alert(1)"}, format="json"
    )
    assert invalid.status_code == 400 and "evidence_url" in invalid.json()
    assert not StatusUpdate.objects.exists()
    created = api.post(
        "/api/v1/status-updates/", {**body, "evidence_url": "www.example.org/x"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["evidence_url"] == "https://www.example.org/x"


def test_the_write_service_refuses_a_long_link_from_any_caller(people):
    from statuses.services import record_status

    with pytest.raises(ValidationError) as refused:
        record_status(
            commitment=Commitment.objects.get(code="GTM-PRO-01"),
            period=ReportingPeriod.objects.get(code="2025"),
            status=2,
            narrative="n",
            evidence_url=LONG,
            user=people["gabriel"],
        )
    assert "evidence_url" in refused.value.message_dict
