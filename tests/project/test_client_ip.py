"""The client's address (mirps/client_ip.py): X-Forwarded-For read right to left through the
trusted proxies only; every counter (axes, the sign-in throttle, the API's rate limit) uses it."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from mirps.client_ip import client_ip, parse_address
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


def request(remote="203.0.113.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "trusted, remote, forwarded, expected",
    [
        # nothing trusted: the header is never read
        ([], "203.0.113.1", "198.51.100.1", "203.0.113.1"),
        ([], "10.0.0.1", "198.51.100.1", "10.0.0.1"),
        # one trusted proxy: the entry it appended (the rightmost) is the client
        (["10.0.0.1"], "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # what the client wrote itself (left of the proxy's entry) is not believed
        (["10.0.0.1"], "10.0.0.1", "192.0.2.66, 198.51.100.1", "198.51.100.1"),
        # a request that does not come through the proxy: its header is not believed
        (["10.0.0.1"], "203.0.113.1", "198.51.100.1", "203.0.113.1"),
        # two proxies (a network): skip both, right to left
        (["10.0.0.0/8"], "10.0.0.1", "192.0.2.66, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # every entry a proxy: the leftmost one seen
        (["10.0.0.0/8"], "10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),
        # the trusted proxy sent no header: its own address
        (["10.0.0.1"], "10.0.0.1", None, "10.0.0.1"),
        # garbage stops the walk at the last trusted hop
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.1, unknown, 10.0.0.2", "10.0.0.2"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        # ports, brackets, IPv6, IPv4-mapped IPv6
        (["10.0.0.1"], "10.0.0.1", "198.51.100.1:51234", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        (["::1"], "::1", "2001:db8::8", "2001:db8::8"),
        (["10.0.0.1"], "::ffff:10.0.0.1", "198.51.100.2", "198.51.100.2"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request(remote, forwarded)) == expected


def test_a_unix_socket_gives_its_empty_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request(remote="", forwarded="198.51.100.1")) == ""


def test_parse_address_refuses_what_is_not_one():
    for text in ["", "unknown", "1.2.3", "999.1.1.1", "_hidden", "[::1", "a:b:c"]:
        assert parse_address(text) is None, text


def test_the_libraries_are_configured_to_use_it(settings):
    from axes.helpers import get_client_ip_address
    from django_ratelimit.core import _get_ip

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    forwarded = request("10.0.0.1", "198.51.100.9")
    assert get_client_ip_address(forwarded) == "198.51.100.9"
    assert _get_ip(forwarded) == "198.51.100.9"


def test_bad_trusted_proxies_fail_loudly(monkeypatch):
    import mirps.settings as module

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1,proxy.example.org")
    try:
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            importlib.reload(module)
        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12 ,::1")
        assert importlib.reload(module).TRUSTED_PROXIES == ["10.0.0.1", "172.16.0.0/12", "::1"]
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES")
        importlib.reload(module)


@pytest.mark.parametrize("name", ["API_RATE_ANON", "API_RATE_USER", "SIGN_IN_FAILURES_PER_ADDRESS"])
def test_bad_rates_fail_loudly(monkeypatch, name):
    import mirps.settings as module

    monkeypatch.setenv(name, "lots")
    try:
        with pytest.raises(ImproperlyConfigured, match=name):
            importlib.reload(module)
    finally:
        monkeypatch.delenv(name)
        importlib.reload(module)
