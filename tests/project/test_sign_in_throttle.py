"""Failed sign-ins (issue 19, item 7): django-axes locks a username per client address; the
throttle across usernames (mirps/middleware.py, in the shared cache) gives a spray from one
address one guess per username per window, and never refuses a person who has not failed from
that address. The client address comes from the trusted proxy's header (mirps/client_ip.py)."""

import base64

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

PASSWORD = "Tortuga-azul-Copan-29"
PROXY = "10.0.0.1"


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def sofia(db):
    """The secretariat's staff account, the one an attacker would lock out."""
    from tests.builders import secretariat

    user = secretariat("sofia", password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def allowed() -> int:
    count, _period = django_settings.SIGN_IN_FAILURES_PER_ADDRESS.split("/")
    return int(count)


def sign_in(client, username, password, door="/accounts/login/"):
    return client.post(door, {"username": username, "password": password})


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def behind_proxy(address: str) -> Client:
    """A browser at ``address``, as the application sees it behind the TLS proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def spray(client, count=None, prefix="user"):
    for n in range(allowed() if count is None else count):
        # one failure per username: far below axes's five, so axes alone never stops this
        assert sign_in(client, f"{prefix}{n}", "guess-2024").status_code == 200


def test_a_spray_from_one_address_gets_one_guess_per_username(alice):
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    spray(attacker)
    # a second guess at any username already tried there: refused without checking it
    refused = sign_in(attacker, "user0", "guess-2025")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"].isdigit() and int(refused.headers["Retry-After"]) > 0
    # the admin's and the browsable API's sign-in pages are the same door
    for door in ["/admin/login/", "/api-auth/login/"]:
        assert sign_in(attacker, "user1", "guess-2025", door).status_code == 429, door
    # a new username gets one guess, then it is refused too
    assert sign_in(attacker, "newcomer", "guess-2024").status_code == 200
    assert sign_in(attacker, "newcomer", "guess-2025").status_code == 429
    # the same names differently cased are the same names
    assert sign_in(attacker, "USER2", "guess-2025").status_code == 429


def test_a_person_who_has_not_failed_signs_in_from_the_sprayed_address(alice):
    office = Client(REMOTE_ADDR="203.0.113.51")
    spray(office)
    assert sign_in(office, "alice", PASSWORD).status_code == 302
    assert "_auth_user_id" in office.session


def test_a_person_who_failed_there_waits_for_the_window_but_not_elsewhere(alice, bob):
    office = Client(REMOTE_ADDR="203.0.113.52")
    assert sign_in(office, "bob", "typo-2024").status_code == 200  # bob mistyped once
    spray(office)
    refused = sign_in(office, "bob", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in office.session
    assert b"Too many failed sign-ins" in refused.content or b"Demasiados" in refused.content
    home = Client(REMOTE_ADDR="198.51.100.52")
    assert sign_in(home, "bob", PASSWORD).status_code == 302


def test_an_attacker_hammering_the_staff_cannot_lock_them_out_elsewhere(sofia):
    attacker = Client(REMOTE_ADDR="203.0.113.53")
    statuses = [sign_in(attacker, "sofia", f"guess-{n}").status_code for n in range(40)]
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}  # axes: locked at the 5th
    spray(attacker, count=2 * allowed(), prefix="staff")
    # ... while sofia, elsewhere, signs in on the page, the admin and the API
    elsewhere = Client(REMOTE_ADDR="198.51.100.53")
    assert sign_in(elsewhere, "sofia", PASSWORD).status_code == 302
    admin = Client(REMOTE_ADDR="198.51.100.53")
    assert sign_in(admin, "sofia", PASSWORD, "/admin/login/").status_code == 302
    api = Client(REMOTE_ADDR="198.51.100.53")
    ok = api.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("sofia", PASSWORD))
    assert ok.status_code == 200
    # axes locked the pair (sofia, the attacker's address), nothing else
    locked = AccessAttempt.objects.get(username="sofia")
    assert locked.ip_address == "203.0.113.53" and locked.failures_since_start >= 5


def test_behind_the_proxy_each_person_has_their_own_address(settings, sofia, alice):
    """Every request comes from the proxy's address; the proxy's header says whose it is."""
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = behind_proxy("203.0.113.54")
    for n in range(10):
        sign_in(attacker, "sofia", f"guess-{n}")
    spray(attacker, count=2 * allowed())
    assert sign_in(attacker, "sofia", PASSWORD).status_code == 429  # axes: locked there
    # sofia and alice come through the same proxy, each from their own address
    assert sign_in(behind_proxy("198.51.100.54"), "sofia", PASSWORD).status_code == 302
    assert sign_in(behind_proxy("198.51.100.55"), "alice", PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.54"}


def test_without_a_trusted_proxy_the_header_is_not_believed(settings, alice):
    """An attacker cannot escape the throttle (nor frame someone else) by writing the header:
    it counts only when the request comes from a trusted proxy."""
    settings.TRUSTED_PROXIES = []
    attacker = Client(REMOTE_ADDR="203.0.113.56")
    for n in range(allowed()):
        forged = f"198.51.100.{n}"
        response = attacker.post(
            "/accounts/login/",
            {"username": f"user{n}", "password": "guess-2024"},
            HTTP_X_FORWARDED_FOR=forged,
        )
        assert response.status_code == 200
    again = attacker.post(
        "/accounts/login/",
        {"username": "user0", "password": "guess-2025"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert again.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.56"}
    # and a proxy that is trusted does not let the client choose the address either: only
    # the proxy's own (rightmost) entry is read
    settings.TRUSTED_PROXIES = [PROXY]
    framed = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.56")
    assert sign_in(framed, "user0", "guess-2026").status_code == 429


def test_api_basic_auth_failures_count_per_address(alice, bob):
    attacker = Client(REMOTE_ADDR="203.0.113.57")
    for n in range(allowed()):
        response = attacker.get(
            "/api/v1/countries/", HTTP_AUTHORIZATION=basic(f"user{n}", "guess-2024")
        )
        assert response.status_code in (401, 403)  # DRF: 403 when sessions come first
    refused = attacker.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("user3", "x-2025"))
    assert refused.status_code == 429
    assert "detail" in refused.json() and refused.headers["Retry-After"].isdigit()
    # a person who has not failed from there still gets in with Basic credentials
    ok = attacker.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("alice", PASSWORD))
    assert ok.status_code == 200
    # reading without credentials is not signing in: the public API stays open
    assert attacker.get("/api/v1/countries/").status_code == 200


def test_successful_sign_ins_do_not_count(alice):
    office = Client(REMOTE_ADDR="203.0.113.58")
    for _ in range(allowed() + 5):
        assert sign_in(office, "alice", PASSWORD).status_code == 302
        office.logout()
    api = Client(REMOTE_ADDR="203.0.113.58")
    for _ in range(allowed() + 5):
        ok = api.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("alice", PASSWORD))
        assert ok.status_code == 200


def test_two_servers_share_the_count(settings, tmp_path, alice):
    """The counters live in the shared cache, not in a server: half the spray on one server,
    half on the other, and both refuse. (Each "server" gets its own cache client on the same
    storage, as two processes on one Redis; scripts/prod_check.py does it with Redis.)"""
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }

    def server(name):
        settings.CACHES = {k: dict(v) for k, v in shared.items()}  # a fresh cache client
        return Client(REMOTE_ADDR="203.0.113.59")

    half = allowed() // 2
    for n in range(allowed()):
        assert sign_in(server("a" if n < half else "b"), f"user{n}", "guess").status_code == 200
    assert sign_in(server("a"), "user1", "again").status_code == 429
    assert sign_in(server("b"), "user1", "again").status_code == 429
    assert sign_in(server("b"), "alice", PASSWORD).status_code == 302
