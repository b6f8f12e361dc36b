"""Settings for the MIRPS commitment monitor: one module, read from the environment.

Production defaults are the safe ones (DEBUG off, secure cookies, a required SECRET_KEY);
``make run`` sets ``DJANGO_DEV=1`` for a development configuration. Bad values fail loudly.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


# Development mode: set by `make run` and by the test configuration, never in production.
DEV = env_bool("DJANGO_DEV", False)
# Off unless asked for, in development too: `make run` then shows the site's own 403/404/500
# pages, as people will meet them, instead of Django's debug pages (which also list every URL
# pattern). DEBUG=1 brings the debug pages back for a developer; the error itself is always in
# the console log. Static files are served by WhiteNoise either way (WHITENOISE_USE_FINDERS).
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEV:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DJANGO_DEV=1 for development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_ratelimit",
    "countries",
    "commitments",
    # context beside the commitments (issue 13): country indicators, funding
    "indicators",
    "funding",
    "reports",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the layers that add headers (so their 400 and 429 carry them too) and before
    # anything reads the session, the user or the request's data from the database.
    "mirps.middleware.RejectInvalidCharacters",
    "mirps.middleware.SignInThrottle",
    "mirps.middleware.PrivateWorkspace",
    # Last, as django-axes requires: turns a lockout flagged during authentication into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mirps.urls"
WSGI_APPLICATION = "mirps.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commitments.context_processors.roles",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep connections for a minute (a new PostgreSQL connection costs a few ms per
        # request), checked before reuse so a restarted server costs an error-free reconnect.
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL session settings for the figures' aggregate queries (see docs/benchmarks.md):
# JIT off (at 1M status rows their estimated cost crosses the JIT threshold and compiling costs
# ~1 s, more than it saves); work_mem large enough to sort a million status rows in memory;
# and a statement timeout below gunicorn's 30 s worker timeout, so a runaway query ends with an
# error the page can report instead of a killed worker.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg = {
        "jit": "on" if env_bool("PG_JIT", False) else "off",
        "work_mem": os.environ.get("PG_WORK_MEM", "64MB"),
        "statement_timeout": env_int("PG_STATEMENT_TIMEOUT_MS", 20000),
    }
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
        f"-c {name}={value}" for name, value in _pg.items()
    )
# SQLite (development, `make run`): write-ahead logging, so that readers never wait for a
# writer (a second browser tab during an upload). A larger page cache, memory-mapped reads and
# in-memory sorts were measured too and left out: no faster at 100k commitments
# (docs/benchmarks.md). An in-memory test database ignores it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: the public pages' figures (reports/cache.py, invalidated when any figure
# changes through a version key every worker reads) and the sign-in throttle's counters. It must
# be shared by every worker of every server, and count atomically: Redis (django-redis) in
# production, CACHE_URL=redis://host:6379/0 (the default is a Redis on this host). Development
# and tests use one process's local memory unless CACHE_URL is set.
CACHE_URL = os.environ.get("CACHE_URL", "" if DEV else "redis://127.0.0.1:6379/0")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
if CACHE_URL:
    _cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        # A Redis outage must not take the public pages down: figures are then computed
        # afresh (the health check reports the outage, and the errors are logged).
        "OPTIONS": {"IGNORE_EXCEPTIONS": True},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    _cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mirps",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
CACHES = {
    "default": {
        **_cache,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mirps"),
        "TIMEOUT": env_int("CACHE_TIMEOUT", 600),
    }
}
# Local memory is one process's: fine for development and tests, which is the only place it is
# used (django-ratelimit would rightly refuse it in production).
SILENCED_SYSTEM_CHECKS = [] if CACHE_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
# After a figure changes, recompute the default dashboard at once (reports/cache.py): "thread"
# (in the background of the worker that saw the change), "sync" (before that request ends) or
# "off" (the next reader computes it; development and tests).
FIGURES_WARM = os.environ.get("FIGURES_WARM", "off" if DEV else "thread")
if FIGURES_WARM not in ("thread", "sync", "off"):
    raise ImproperlyConfigured(f"FIGURES_WARM must be thread, sync or off, not {FIGURES_WARM!r}")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Browser libraries from the npm registry, installed by `make install` (npm ci), never a CDN.
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Development and tests serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEV
# ... and re-read on every request in development, so an edited stylesheet shows without a restart.
WHITENOISE_AUTOREFRESH = DEV
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: safe by default, relaxed only in development (plain http on localhost).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEV)
SESSION_COOKIE_SECURE = not DEV
CSRF_COOKIE_SECURE = not DEV
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEV else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV
SECURE_HSTS_PRELOAD = not DEV
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer may ask for the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# A session ends when the browser closes, and in any case SESSION_COOKIE_AGE after it began.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in the page ({% csrf_token %}, DRF's and Swagger UI's templates): no
# script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp; Django 5.2 has no built-in one). Only our own scripts,
# styles, fonts and images; no inline scripts. Inline style *attributes* stay allowed because the
# templates size and colour the progress bars with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Repeated failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one IP address, that pair is refused (HTTP 429) until AXES_COOLOFF_TIME has passed since the
# last counted failure. Failures during a lockout do not extend it, so nobody can keep a real user
# locked out for good. A successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"  # a page in the user's language

# Besides axes (per username and address), failed sign-ins are counted per address across all
# usernames (mirps/middleware.py, django-ratelimit in the shared cache): once an address has
# this many failures in the window ("count/period", e.g. 20/h or 50/30m), its sign-in attempts
# (the sign-in pages and API requests with credentials) get 429 until the window ends. Only
# failures count, so an office of many people behind one address is not slowed down.
SIGN_IN_FAILURES_PER_ADDRESS = os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "20/h")
if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", SIGN_IN_FAILURES_PER_ADDRESS):
    raise ImproperlyConfigured(
        "SIGN_IN_FAILURES_PER_ADDRESS must read count/period (e.g. 20/h, 50/30m), not "
        f"{SIGN_IN_FAILURES_PER_ADDRESS!r}"
    )
# If the cache cannot be reached the throttle lets sign-ins through (axes, in the database,
# still locks a username per address); the health check reports the outage.
RATELIMIT_FAIL_OPEN = True

# E-mail: printed to the console in development, sent over SMTP (STARTTLS by default) otherwise.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The reporting cycle's notifications (notifications/cycle.py, `manage.py send_reminders`).
# SITE_URL makes the links in e-mails absolute (default: https:// and the first ALLOWED_HOSTS).
_site_default = "http://127.0.0.1:8000" if DEV else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
SITE_URL = os.environ.get("SITE_URL", "").strip() or _site_default
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}")
try:
    NOTIFICATIONS_REMINDER_DAYS = sorted(
        {int(d) for d in env_list("NOTIFICATIONS_REMINDER_DAYS", ["14", "7", "1"])}, reverse=True
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        "NOTIFICATIONS_REMINDER_DAYS must be whole numbers of days, e.g. 14,7,1"
    ) from exc
if any(d < 0 for d in NOTIFICATIONS_REMINDER_DAYS):
    raise ImproperlyConfigured("NOTIFICATIONS_REMINDER_DAYS cannot be negative")
NOTIFICATIONS_SILENT_DAYS = env_int("NOTIFICATIONS_SILENT_DAYS", 7)
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
if not 0 <= NOTIFICATIONS_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR must be an hour from 0 to 23")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000  # the country matrix posts a few fields per commitment

REST_FRAMEWORK = {
    # drf-spectacular's schema, plus the error answers every operation can give (400/403/404/429)
    "DEFAULT_SCHEMA_CLASS": "mirps.api_schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "commitments.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MIRPS commitment monitor API",
    "DESCRIPTION": (
        "Commitments of the MIRPS national action plans, their traffic-light statuses per "
        "reporting period, and progress by pillar, country and focus area."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
