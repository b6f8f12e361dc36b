"""The API's rate limit, shared by every worker of every server.

DRF's own throttles keep a list of timestamps per client in the cache and write it back after
reading it: two servers answering the same client at once each write their own list, and a
request goes uncounted. This one counts with the cache's atomic add and increment
(django-ratelimit's fixed windows, the same counters as the sign-in throttle), in the shared
cache (Redis in production). A signed-in account has ``API_RATE_USER`` requests per window,
wherever it calls from; anyone else ``API_RATE_ANON`` per client address (``mirps.client_ip``,
which reads the trusted proxy's header). Over the rate: 429 with ``Retry-After`` (the seconds
left in the window), as the OpenAPI schema documents. The rates are read at each request, so
tests and operators may change them without a restart of the throttle class.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from mirps.client_ip import client_ip


def _identity(request) -> tuple[str, str, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "api-user", settings.API_RATE_USER, f"user:{user.pk}"
    return "api-anon", settings.API_RATE_ANON, f"ip:{client_ip(request)}"


class ApiRateThrottle(BaseThrottle):
    def __init__(self):
        self._wait: int | None = None

    def allow_request(self, request, view) -> bool:
        group, rate, ident = _identity(request)
        usage = get_usage(
            request, group=group, key=lambda _group, _request: ident, rate=rate, increment=True
        )
        if usage is None:  # the cache cannot be reached (fail open) or rate limiting is off
            return True
        if usage["should_limit"]:
            self._wait = max(usage["time_left"], 1)
            return False
        return True

    def wait(self) -> int | None:
        return self._wait

    def get_ident(self, request) -> str:
        return client_ip(request)
