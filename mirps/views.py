"""Views of the project itself (not of one app): the health check and the error handlers."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure is "down"; the log says which
        logger.exception("health: the database cannot be reached")
        return False


def _cache_ok() -> bool:
    key, token = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=10)
        ok = cache.get(key) == token
        cache.delete(key)
    except Exception:
        logger.exception("health: the cache cannot be reached")
        return False
    if not ok:  # django-redis ignores connection errors: a write that does not read back
        logger.error("health: the cache does not keep what is written to it")
    return ok


@never_cache
def health(request):
    """``/health/`` for load balancers and monitors: 200 when the database answers and the
    shared cache keeps what is written to it, 503 otherwise; says which, and nothing else."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503
    )


# --- error handlers: JSON under /api/ (as the schema documents), the site's pages elsewhere ---


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": str(exception) or _("Not allowed.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason=""):
    """A form sent from a page that is no longer valid (``CSRF_FAILURE_VIEW``): the site's own
    page in the reader's language, with a link back to the page the form came from (which puts
    back what was typed, ``static/js/drafts.js``), instead of the framework's English one. JSON
    under ``/api/``. Always 403; nothing was done."""
    logger.warning("CSRF refusal at %s: %s", request.path, reason)
    if _api(request):
        return JsonResponse(
            {"detail": _("The form was sent from a page that is no longer valid.")}, status=403
        )
    referer = request.META.get("HTTP_REFERER", "")
    back = ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = referer
    return render(request, "403_csrf.html", {"back": back}, status=403)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
