"""Request guards that every route shares: characters no database can hold, failed sign-ins
per address, and no shared caching of the workspace."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from mirps.client_ip import client_ip

# NUL cannot be stored in (or even compared with) a PostgreSQL text value, and a lone surrogate
# cannot be encoded as UTF-8: either would reach the database as an error, so neither passes.
INVALID = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def error_response(request, status: int, title: str, message: str, **headers) -> HttpResponse:
    """A refusal in the form the route speaks: JSON for the API, the site's page otherwise.

    The page is rendered without the request's context: nothing in it may read the session or
    the user, whose cookie may be the very input being refused."""
    if _is_api(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        html = loader.render_to_string(
            "error.html", {"status": status, "title": title, "message": message}
        )
        response = HttpResponse(html, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _valid_utf8(wsgi_string: str, *, percent_encoded: bool) -> bool:
    """Are these WSGI bytes (a latin-1 decoded string) valid UTF-8? The path arrives decoded
    by the server, the query string still percent-encoded."""
    try:
        raw = wsgi_string.encode("latin-1")
        (unquote_to_bytes(raw) if percent_encoded else raw).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return False
    return True


def _basic_credentials(header: str) -> bytes:
    kind, _sep, token = header.partition(" ")
    if kind.lower() != "basic":
        return b""
    try:
        return base64.b64decode(token.strip(), validate=False)
    except (binascii.Error, ValueError):
        return b""  # malformed: the authentication class answers 401


def invalid_input(request) -> bool:
    """True when any part of the request that may reach the database holds a character no
    database can hold: the path, the query string, cookies, headers (Basic credentials
    decoded) and posted form fields. JSON bodies are checked field by field by the API's
    serializers (DRF refuses NUL and surrogates in every text field)."""
    meta = request.META
    if not _valid_utf8(meta.get("PATH_INFO", ""), percent_encoded=False):
        return True
    if not _valid_utf8(meta.get("QUERY_STRING", ""), percent_encoded=True):
        return True
    texts = [request.path_info]
    for key, values in request.GET.lists():
        texts.append(key)
        texts.extend(values)
    texts.extend(request.COOKIES.keys())
    texts.extend(request.COOKIES.values())
    texts.extend(value for key, value in meta.items() if key.startswith("HTTP_"))
    if b"\x00" in _basic_credentials(meta.get("HTTP_AUTHORIZATION", "")):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            texts.append(key)
            texts.extend(values)
    return any(isinstance(t, str) and INVALID.search(t) for t in texts)


class RejectInvalidCharacters:
    """400 for NUL and other characters no database can hold, before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if invalid_input(request):
            return error_response(
                request,
                400,
                _("Bad request"),
                _("The request holds characters that are not allowed (such as NUL)."),
            )
        return self.get_response(request)


# --- methods a route does not take ----------------------------------------------------------

# What a page written as a function takes (no page takes PUT, PATCH or DELETE; forms POST).
FUNCTION_VIEW_METHODS = ("GET", "HEAD", "POST")


def allowed_methods(view_func) -> tuple[str, ...]:
    """The HTTP methods the view resolved for a request answers.

    An API viewset: the methods its router mapped to actions, and OPTIONS (and HEAD with GET);
    any other API view: the methods it has a handler for; a page written as a class: GET,
    POST and OPTIONS as it has handlers; a page written as a function: GET, HEAD and POST."""
    actions = getattr(view_func, "actions", None)
    api_view = getattr(view_func, "cls", None)  # DRF's as_view sets it
    page_view = getattr(view_func, "view_class", None)
    if actions is not None:
        methods = {m.lower() for m in actions} | {"options"}
    elif api_view is not None:
        methods = {m for m in api_view.http_method_names if hasattr(api_view, m)}
    elif page_view is not None:
        # a page: not PUT, PATCH or DELETE even where Django's form views alias them to POST
        methods = {m for m in ("get", "post", "options") if hasattr(page_view, m)}
    else:
        return FUNCTION_VIEW_METHODS
    if "get" in methods:
        methods.add("head")
    order = ["get", "head", "post", "put", "patch", "delete", "options"]
    return tuple(m.upper() for m in order if m in methods)


class MethodNotAllowed:
    """405, with ``Allow``, for a method the route does not take, before anything else
    decides about the request. Without it DRF checked credentials and permissions before the
    method (an anonymous TRACE to the API got 403), and pages written as functions answered
    TRACE, PUT or PROPFIND like GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = allowed_methods(view_func)
        if request.method in allowed:
            return None
        if _is_api(request):
            from rest_framework.exceptions import MethodNotAllowed as Refused

            message = str(Refused(request.method).detail)
        else:
            message = _("This page does not accept %(method)s requests.") % {
                "method": request.method
            }
        return error_response(
            request, 405, _("Method not allowed"), message, Allow=", ".join(allowed)
        )


# --- failed sign-ins per address -----------------------------------------------------------

SIGN_IN_GROUP = "sign-in-failures"
SIGN_IN_USER_GROUP = "sign-in-failures-user"


def _username_key(username: str) -> str:
    # case-folded: a variant of a username that failed counts as that username
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8", "replace")).hexdigest()
    return digest[:32]


def _usage(request, increment: bool, username: str | None = None):
    """The failures counted from the request's address (``username`` None), or of one
    username from that address, in the current window of ``SIGN_IN_FAILURES_PER_ADDRESS``."""
    address = client_ip(request)
    if username is None:
        group, ident = SIGN_IN_GROUP, address
    else:
        group, ident = SIGN_IN_USER_GROUP, f"{address}|{_username_key(username)}"
    return get_usage(
        request,
        group=group,
        key=lambda _group, _request: ident,
        rate=settings.SIGN_IN_FAILURES_PER_ADDRESS,
        increment=increment,
    )


@receiver(user_login_failed)
def count_failed_sign_in(sender, credentials=None, request=None, **kwargs):
    """Every failed authentication with a request (sign-in pages, the admin, API Basic auth)
    counts against its address, and against the username tried from that address."""
    if request is None or not client_ip(request):
        return
    _usage(request, increment=True)
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD)
    if username:
        _usage(request, increment=True, username=str(username))


def attempted_username(request) -> str | None:
    """The username a sign-in attempt names: the form's field, or Basic credentials' user."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        user, _sep, _password = _basic_credentials(header).partition(b":")
        return user.decode("utf-8", "replace")
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return request.POST.get("username", "")
    return None


def is_sign_in_attempt(request) -> bool:
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("basic "):
        return True
    return request.method == "POST" and request.path_info in (
        reverse("login"),
        reverse("admin:login"),
        reverse("rest_framework:login"),  # the browsable API's sign-in
    )


def sign_in_refused(request) -> int | None:
    """Seconds to wait if this sign-in attempt is refused, None if it may go ahead.

    Refused: an address over its budget of failures (a spray across usernames), trying a
    username that has already failed from that address in the window. A username with no
    failure from there goes ahead, so nobody who shares the address with an attacker (an
    office, everyone behind a misconfigured proxy) is locked out by them."""
    address = _usage(request, increment=False)
    if address is None or address["count"] < address["limit"]:
        return None
    username = attempted_username(request) or ""
    failures = _usage(request, increment=False, username=username)
    if failures is None or failures["count"] == 0:
        return None
    return max(address["time_left"], failures["time_left"], 1)


class SignInThrottle:
    """429 for a username that has failed from an address that has failed too often, whatever
    the usernames tried (django-axes locks one username per address after five failures; this
    covers the spray)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_sign_in_attempt(request) and client_ip(request):
            wait = sign_in_refused(request)
            if wait is not None:
                return error_response(
                    request,
                    429,
                    _("Too many failed sign-ins"),
                    _(
                        "Too many failed sign-ins from your address. Try again in %(minutes)d "
                        "minutes, or reset your password."
                    )
                    % {"minutes": (wait + 59) // 60},
                    **{"Retry-After": str(wait)},
                )
        return self.get_response(request)


class PrivateWorkspace:
    """Workspace pages and files (unpublished work, evidence that may name refugees) and any
    answer to a request that carries a session or credentials are never kept by a shared
    cache. (Decided from the request alone: reading the user here would cost the public pages
    a session lookup.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and (
            request.path_info.startswith("/workspace/")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            response["Cache-Control"] = "private, no-store"
        return response
