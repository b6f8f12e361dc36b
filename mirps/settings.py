"""Settings for the MIRPS commitment monitor: one module, read from the environment.

Production defaults are the safe ones (DEBUG off, secure cookies, a required SECRET_KEY);
``make run`` sets ``DJANGO_DEV=1`` for a development configuration. Bad values fail loudly.
"""

from __future__ import annotations

import ipaddress
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

# The key that signs the manifest of `export_data` archives and that `import_data` checks
# (backups/archive.py): the server's SECRET_KEY unless set; to import an archive made on another
# server, set the same BACKUP_SIGNING_KEY on both.
BACKUP_SIGNING_KEY = os.environ.get("BACKUP_SIGNING_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The apps by layer, each importing only from the ones above it in this list
# (docs/architecture.md): the ground, the reporting calendar, the catalogue, statuses, the
# context figures, the workspace, the spreadsheet exchange, the public side.
PROJECT_APPS = [
    "countries",
    "audit",
    "review",
    "periods",
    "commitments",
    "statuses",
    "indicators",
    "funding",
    "workspace",
    "spreadsheets",
    "notifications",
    "reports",
    "releases",
    "demo",
    "backups",
]

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
    "huey.contrib.djhuey",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 405 for a method the route does not take, before CSRF, credentials or permissions
    # decide about the request (its check runs first among the views' checks)
    "mirps.middleware.MethodNotAllowed",
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
                "workspace.context_processors.roles",
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

# Background jobs (Huey, mirps/jobs.py; why Huey: README "Why these libraries"). Production:
# Redis, JOBS_URL=redis://host:6379/1 (the default is a Redis on this host), and a worker
# process beside gunicorn (`manage.py run_huey`). Development (`make run`) needs no service:
# the queue is a SQLite file (JOBS_SQLITE, jobs.sqlite3 beside the database) and the web
# process runs Huey's own consumer as a thread, started when a job is queued
# (JOBS_EMBEDDED_WORKER). JOBS_IMMEDIATE=1 runs each job at once in the caller (the tests).
JOBS_URL = os.environ.get("JOBS_URL", "" if DEV else "redis://127.0.0.1:6379/1")
if JOBS_URL and not JOBS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"JOBS_URL must be a redis:// URL, not {JOBS_URL!r}")
JOBS_IMMEDIATE = env_bool("JOBS_IMMEDIATE", False)
JOBS_EMBEDDED_WORKER = env_bool("JOBS_EMBEDDED_WORKER", not JOBS_URL)
HUEY = {
    "name": os.environ.get("JOBS_QUEUE", "mirps-jobs"),
    "immediate": JOBS_IMMEDIATE,
    "consumer": {"workers": env_int("JOBS_WORKERS", 1), "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": JOBS_URL}
        if JOBS_URL
        else {
            "huey_class": "huey.SqliteHuey",
            "filename": os.environ.get("JOBS_SQLITE", str(BASE_DIR / "jobs.sqlite3")),
        }
    ),
}

# Releases (issue 23): each locked period published as files that never change. The licence
# of the data (RELEASES_LICENSE_NAME/_PATH/_TITLE: CC BY 4.0 unless set), who publishes them
# and under what title (in the citation). A build of more than RELEASES_INLINE_MAX_COMMITMENTS
# commitments (about two seconds of work, docs/benchmarks.md) runs as a background job.
RELEASES_LICENSE = {
    "name": os.environ.get("RELEASES_LICENSE_NAME", "CC-BY-4.0"),
    "path": os.environ.get("RELEASES_LICENSE_PATH", "https://creativecommons.org/licenses/by/4.0/"),
    "title": os.environ.get(
        "RELEASES_LICENSE_TITLE", "Creative Commons Attribution 4.0 International"
    ),
}
RELEASES_PUBLISHER = os.environ.get(
    "RELEASES_PUBLISHER", "MIRPS Technical Secretariat (UNHCR and OAS)"
)
RELEASES_TITLE = os.environ.get("RELEASES_TITLE", "MIRPS commitment monitor: open data")
RELEASES_INLINE_MAX_COMMITMENTS = env_int("RELEASES_INLINE_MAX_COMMITMENTS", 10000)

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
# Numbers in Spanish as our Latin American readers write them: 63,152,181 and 41.5
# (mirps/formats/es/formats.py, from the one rule in mirps/numbers.py).
FORMAT_MODULE_PATH = ["mirps.formats"]
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
# A form sent from a stale page gets the site's own page, in the reader's language, with a way
# back to the page (where what was typed is put back), not the framework's English one.
CSRF_FAILURE_VIEW = "mirps.views.csrf_failure"

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

# The client's address (mirps/client_ip.py, the one rule every counter below uses): behind a
# proxy, REMOTE_ADDR is the proxy's for everyone. X-Forwarded-For is read right to left only
# through the proxies listed here (addresses or networks, comma-separated, e.g.
# TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8); none by default, so nobody can claim an address by
# sending the header.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must list addresses or networks (e.g. 10.0.0.0/8), not {_proxy!r}"
        ) from exc
AXES_CLIENT_IP_CALLABLE = "mirps.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "mirps.client_ip.client_ip"

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
# usernames (mirps/middleware.py, django-ratelimit in the shared cache), against a password
# spray. Once an address has this many failures in the window ("count/period", e.g. 20/h or
# 50/30m), every username that has failed from that address in the window is refused there
# (429) until the window ends: the spray gets one guess per username per window, not axes's
# five per quarter of an hour. A person who has not failed from that address still signs in,
# so an attacker cannot lock out the people who share an address with them (an office), and
# nobody elsewhere is affected at all.
RATE_FORMAT = re.compile(r"[1-9][0-9]*/[0-9]*[smhd]")


def env_rate(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if not RATE_FORMAT.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must read count/period (e.g. 20/h, 50/30m, 120/m), not {value!r}"
        )
    return value


SIGN_IN_FAILURES_PER_ADDRESS = env_rate("SIGN_IN_FAILURES_PER_ADDRESS", "20/h")
# The API's rate limit (mirps/throttling.py), counted in the shared cache so that every worker
# of every server shares one budget: requests per client address without an account, per
# account with one; over it, 429 with Retry-After.
API_RATE_ANON = env_rate("API_RATE_ANON", "120/m")
API_RATE_USER = env_rate("API_RATE_USER", "600/m")
# If the cache cannot be reached, the throttles let requests through (axes, in the database,
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
# SITE_URL makes the links in e-mails absolute (default: https:// and the first ALLOWED_HOSTS;
# in development, the address `make run` serves: http://127.0.0.1:$PORT, 8000 unless set).
DEV_PORT = env_int("PORT", 8000) if DEV else None
_site_default = (
    f"http://127.0.0.1:{DEV_PORT}" if DEV else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)
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
    # DRF's parsers, with JSON nesting bounded (mirps/parsers.py: a 400, not a RecursionError)
    "DEFAULT_PARSER_CLASSES": [
        "mirps.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "mirps.pagination.Pagination",
    "PAGE_SIZE": 50,
    # One rate limit for every operation, per account or per address (API_RATE_USER/_ANON)
    "DEFAULT_THROTTLE_CLASSES": ["mirps.throttling.ApiRateThrottle"],
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
