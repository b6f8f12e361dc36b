"""Finding 4: NUL (which PostgreSQL cannot store or compare) and lone surrogates are refused with
a 400 on every route, signed in or not, before anything reaches the database."""

import base64
import json

import pytest
from rest_framework.test import APIClient

from statuses.models import StatusUpdate
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/commitments/?period=%00",
    "/api/v1/commitments/?q=a%00b",
    "/api/v1/status-updates/?commitment=%00",
    "/api/v1/commitments/GTM-%00/",
    "/api/v1/countries/%00/",
    "/commitments/GTM-%00/",
    "/countries/GT%00/",
    "/?period=%00",
    "/workspace/commitments/GTM-%00/",
    "/workspace/countries/GT%00/matrix/",
    "/workspace/commitments/?q=%00",
    "/commitments/?q=%ED%A0%80",  # an encoded lone surrogate: not UTF-8
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("who", ["anonymous", "gabriel", "sofia"])
def test_nul_in_the_url_is_a_400(client, people, url, who):
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)


def test_api_answers_json(client, plans):
    response = client.get("/api/v1/commitments/?period=%00")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_pages_answer_a_styled_page(client, plans):
    response = client.get("/commitments/GTM-%00/")
    assert response.status_code == 400
    assert b"site-header" in response.content  # the site's own layout, not a bare string


def test_nul_in_a_basic_auth_username_is_a_400(client, people):
    token = base64.b64encode(b"gab\x00riel:pw-Member-2024").decode()
    response = client.get("/api/v1/commitments/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 400


def test_nul_in_a_cookie_is_a_400(client, plans):
    # Django unquotes octal escapes in a quoted cookie value: \000 is a NUL
    assert client.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000ijk"').status_code == 400


def test_nul_in_a_posted_form_is_a_400(client, people):
    client.force_login(people["gabriel"])
    response = client.post(
        "/workspace/commitments/GTM-PRO-01/?period=2024",
        {"status": "2", "narrative": "a\x00b", "base_version": "0"},
    )
    assert response.status_code == 400
    sign_in = client.post("/accounts/login/", {"username": "ga\x00b", "password": "x"})
    assert sign_in.status_code == 400
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
def test_nul_and_surrogates_in_json_are_a_400(people, text):
    api = APIClient()
    api.force_authenticate(people["gabriel"])
    for field in ["narrative", "commitment", "period"]:
        payload = {"commitment": "GTM-PRO-01", "period": "2024", "status": 2, "narrative": "x"}
        payload[field] = text
        body = json.dumps(payload)  # JSON escapes: \u0000, \ud800
        response = api.post("/api/v1/status-updates/", body, content_type="application/json")
        assert response.status_code == 400, (field, response.status_code)
    assert not StatusUpdate.objects.exists()
