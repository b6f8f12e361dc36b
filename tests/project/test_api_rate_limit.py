"""The API's rate limit (issue 19, item 7; mirps/throttling.py): per account, or per client
address without one, counted in the shared cache so every server shares one budget; over it,
429 with Retry-After, as the OpenAPI schema documents."""

import base64

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests import cast as casts
from tests.builders import member, secretariat

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
URL = "/api/v1/countries/"


@pytest.fixture
def rates(settings):
    settings.API_RATE_ANON = "5/m"
    settings.API_RATE_USER = "8/m"
    return settings


def spend(client, count, url=URL, **extra):
    return [client.get(url, **extra).status_code for _ in range(count)]


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_anonymous_readers_have_a_budget_per_address(rates, plans):
    reader = Client(REMOTE_ADDR="203.0.113.10")
    assert spend(reader, 5) == [200] * 5
    refused = reader.get(URL)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json()["detail"]
    # every operation draws on the same budget
    assert reader.get("/api/v1/commitments/").status_code == 429
    assert reader.get("/api/v1/progress/?by=pillar").status_code == 429
    # another address is not affected
    assert spend(Client(REMOTE_ADDR="203.0.113.11"), 5) == [200] * 5


def test_behind_the_proxy_each_reader_has_their_own_budget(rates, plans):
    rates.TRUSTED_PROXIES = [PROXY]
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert spend(first, 6) == [200] * 5 + [429]
    assert spend(second, 5) == [200] * 5


def test_a_forged_header_does_not_buy_a_new_budget(rates, plans):
    rates.TRUSTED_PROXIES = [PROXY]
    direct = Client(REMOTE_ADDR="203.0.113.12")
    statuses = [
        direct.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_an_account_has_its_own_budget_wherever_it_calls_from(rates, plans):
    sofia = secretariat("sofia")
    gabriel = member("gabriel", "GTM")
    api = APIClient(REMOTE_ADDR="203.0.113.13")
    api.force_authenticate(sofia)
    assert spend(api, 4) == [200] * 4
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.13")
    elsewhere.force_authenticate(sofia)
    assert spend(elsewhere, 5) == [200] * 4 + [429]  # 8 in all, then refused
    # writes count too, and are refused with the same answer
    refused = elsewhere.post("/api/v1/status-updates/", {}, format="json")
    assert refused.status_code == 429 and refused.headers["Retry-After"].isdigit()
    # a colleague at the same address, and anonymous readers there, are not affected
    colleague = APIClient(REMOTE_ADDR="203.0.113.13")
    colleague.force_authenticate(gabriel)
    assert spend(colleague, 8) == [200] * 8
    assert spend(APIClient(REMOTE_ADDR="203.0.113.13"), 5) == [200] * 5


def test_basic_credentials_count_against_the_account(rates, plans):
    secretariat("sofia", password="pw-Secretariat-2024")
    api = Client(REMOTE_ADDR="203.0.113.14")
    auth = basic("sofia", "pw-Secretariat-2024")
    assert spend(api, 9, HTTP_AUTHORIZATION=auth) == [200] * 8 + [429]


def test_two_servers_share_the_budget(rates, plans, tmp_path):
    """The counters live in the shared cache: each request on a "server" with its own cache
    client on the same storage (two processes on one Redis; scripts/prod_check.py runs two
    gunicorn servers on Redis and checks the same)."""
    shared = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache"),
    }
    statuses = []
    for _ in range(7):
        rates.CACHES = {"default": dict(shared)}  # a fresh cache client: another server
        statuses.append(Client(REMOTE_ADDR="203.0.113.15").get(URL).status_code)
    assert statuses == [200] * 5 + [429, 429]


def test_the_limit_is_in_the_schema_with_retry_after(plans):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operations = [
        (path, method, op)
        for path, ops in schema.json()["paths"].items()
        for method, op in ops.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 18
    for path, method, op in operations:
        answer = op["responses"]["429"]
        assert answer["headers"]["Retry-After"]["schema"]["type"] == "integer", (path, method)
        assert "Too many requests" in answer["description"]


def test_the_production_rates_are_settings(settings):
    from mirps.throttling import ApiRateThrottle

    assert settings.API_RATE_ANON == "120/m" and settings.API_RATE_USER == "600/m"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        f"{ApiRateThrottle.__module__}.{ApiRateThrottle.__name__}"
    ]
