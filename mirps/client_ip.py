"""The address of the person making a request, the one rule every counter uses.

Behind the TLS proxy the README prescribes, ``REMOTE_ADDR`` is the proxy's address for every
request: counting sign-in failures or API requests by it would put every user in one bucket. The
proxy adds the address it received the request from to ``X-Forwarded-For``; but anyone can send
that header, so it is believed only as far as the chain of proxies we trust (``TRUSTED_PROXIES``,
addresses or networks, from the environment; none by default):

* a request whose ``REMOTE_ADDR`` is not a trusted proxy comes from ``REMOTE_ADDR``, whatever
  headers it carries;
* otherwise ``X-Forwarded-For`` is read from right to left (each proxy appends on the right),
  skipping trusted proxies; the first address that is not one is the client. Anything the
  client itself wrote in the header lies to the left of that and is never read. An entry that
  is not an address stops the walk at the last trusted hop.

django-axes (``AXES_CLIENT_IP_CALLABLE``), django-ratelimit (``RATELIMIT_IP_META_KEY``: the
sign-in throttle) and the API's rate limit (``mirps.throttling``) all call ``client_ip``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def parse_address(value: str | None) -> Address | None:
    """An address from a header entry (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``,
    ``2001:db8::1``), IPv4-mapped IPv6 as IPv4; None if it is not one."""
    text = (value or "").strip().strip('"')
    if not text:
        return None
    if text.startswith("["):  # [v6]:port
        text, closed, _port = text[1:].partition("]")
        if not closed:
            return None
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address as a string (see the module's docstring); ``REMOTE_ADDR`` as it is
    when that is not an address (a Unix socket gives ``""``)."""
    meta = request.META
    remote = parse_address(meta.get("REMOTE_ADDR"))
    if remote is None:
        return meta.get("REMOTE_ADDR") or ""
    current = remote
    if is_trusted_proxy(current):
        hops = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = parse_address(hop)
            if address is None:
                break
            current = address
            if not is_trusted_proxy(address):
                break
    return str(current)
