"""Finding 10: failed sign-ins are throttled per address across usernames (django-ratelimit in
the shared cache), besides django-axes's lock per username and address."""

import base64

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Tortuga-azul-Copan-29"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD)


def allowed() -> int:
    count, _period = django_settings.SIGN_IN_FAILURES_PER_ADDRESS.split("/")
    return int(count)


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_one_address_cannot_spray_passwords_across_usernames(alice):
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(allowed()):
        # one failure per username: far below axes's five, so axes alone never stops this
        assert sign_in(attacker, f"user{n}", "guess-2024").status_code == 200
    refused = sign_in(attacker, "alice", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert refused.headers["Retry-After"].isdigit()
    # the admin's and the browsable API's sign-in pages are the same door
    for door in ["/admin/login/", "/api-auth/login/"]:
        response = attacker.post(door, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 429, door

    elsewhere = Client(REMOTE_ADDR="198.51.100.50")
    assert sign_in(elsewhere, "alice", PASSWORD).status_code == 302


def test_api_basic_auth_failures_count_per_address(alice):
    attacker = Client(REMOTE_ADDR="203.0.113.51")
    for n in range(allowed()):
        response = attacker.get(
            "/api/v1/countries/", HTTP_AUTHORIZATION=basic(f"user{n}", "guess-2024")
        )
        assert response.status_code in (401, 403)  # DRF: 403 when sessions come first
    refused = attacker.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("alice", PASSWORD))
    assert refused.status_code == 429
    assert "detail" in refused.json()
    # reading without credentials is not signing in: the public API stays open
    assert attacker.get("/api/v1/countries/").status_code == 200


def test_successful_sign_ins_do_not_count(alice):
    office = Client(REMOTE_ADDR="203.0.113.52")
    for _ in range(allowed() + 5):
        assert sign_in(office, "alice", PASSWORD).status_code == 302
        office.logout()
    api = Client(REMOTE_ADDR="203.0.113.52")
    for _ in range(allowed() + 5):
        ok = api.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("alice", PASSWORD))
        assert ok.status_code == 200
