"""Security hardening: login lockout, Content Security Policy, sessions, passwords, e-mail and
`manage.py check --deploy` under the production configuration."""

from __future__ import annotations

import base64
import importlib.util
import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from mirps.urls import urlpatterns as project_urlpatterns

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "Tortuga-azul-Copan-29"
ADMIN_LOGIN = "/admin/login/"

# A URLconf for the CSP tests below: the project's, plus Swagger UI served the split way
# (HTML and init script from separate URLs), which a strict script-src allows.
urlpatterns = [
    path(
        "api/docs-split/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs-split",
    ),
    *project_urlpatterns,
]


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_superuser("alice", "alice@example.org", PASSWORD)


def admin_login(client: Client, password: str):
    return client.post(ADMIN_LOGIN, {"username": "alice", "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- 1. Repeated failed logins: django-axes -------------------------------------------------


def test_lockout_settings_have_a_finite_cool_off():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_RESET_ON_SUCCESS is True
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_five_wrong_passwords_lock_the_login_until_the_cool_off_passes(alice):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        response = admin_login(attacker, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    assert admin_login(attacker, "wrong-password").status_code == 429  # fifth failure: locked

    # Locked: even the right password is refused from that address, and nobody is logged in.
    refused = admin_login(attacker, PASSWORD)
    assert refused.status_code == 429
    assert b"/accounts/password_reset/" in refused.content  # our lockout page, not a bare 429
    assert not logged_in(attacker)

    # The lock is per username *and* address: the real user elsewhere is not locked out.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert admin_login(elsewhere, PASSWORD).status_code == 302
    assert logged_in(elsewhere)

    # Failures during the lockout do not extend it (nobody can keep a user locked for good).
    attempt = AccessAttempt.objects.get(username="alice", ip_address="203.0.113.7")
    assert admin_login(attacker, "wrong-again").status_code == 429
    attempt_time = AccessAttempt.objects.get(pk=attempt.pk).attempt_time
    assert attempt_time == attempt.attempt_time

    # Move the clock past the cool-off: the failures are forgotten and the right password works.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt_time - django_settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert admin_login(attacker, PASSWORD).status_code == 302
    assert logged_in(attacker)
    assert not AccessAttempt.objects.filter(username="alice", ip_address="203.0.113.7").exists()


def test_a_successful_login_resets_the_failure_count(alice):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(4):
        admin_login(client, "wrong-password")
    assert admin_login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):  # four more failures would have made nine: still not locked
        assert admin_login(client, "wrong-password").status_code == 200
    assert admin_login(client, PASSWORD).status_code == 302


def test_the_site_login_page_is_locked_out_too(alice):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert not logged_in(client)


def test_api_basic_auth_is_locked_out_too(alice):
    def basic(password: str) -> str:
        return "Basic " + base64.b64encode(f"alice:{password}".encode()).decode()

    client = Client(REMOTE_ADDR="203.0.113.10")
    ok = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic(PASSWORD))
    assert ok.status_code == 200
    for _ in range(5):
        response = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic("wrong-password"))
        assert response.status_code in (401, 403)
    # DRF answers with its own "invalid credentials" error, even for the right password.
    refused = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=basic(PASSWORD))
    assert refused.status_code in (401, 403)


def test_test_client_login_needs_a_request(alice):
    """Axes refuses authenticate() calls without a request, so Client.login() must pass one
    (or tests use force_login, as the suite does)."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        Client().login(username="alice", password=PASSWORD)
    client = Client()
    assert client.login(request=RequestFactory().post("/"), username="alice", password=PASSWORD)
    assert logged_in(client)


# --- 2. Content Security Policy: django-csp ---------------------------------------------------


def csp_directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in header and "frame-ancestors 'none'" in header
    assert csp_directives(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }


def test_the_lockout_response_carries_the_policy_too(alice):
    client = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(5):
        response = admin_login(client, "wrong-password")
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_split_swagger_ui_needs_no_inline_script(client, settings):
    """SpectacularSwaggerView inlines its init script, which script-src 'self' blocks;
    SpectacularSwaggerSplitView serves it from its own URL instead."""
    import re

    settings.ROOT_URLCONF = __name__
    page = client.get("/api/docs-split/")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    init = client.get("/api/docs-split/?script=")
    assert init.status_code == 200
    assert init.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


def visit_in_chromium(base_url: str) -> tuple[list[str], str]:
    """Open our pages, the admin login and the split Swagger UI in headless Chromium; return the
    Content Security Policy violations it reported, and the title Swagger UI rendered."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, FLAGS

    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(locale="en-GB")

            def on_console(message):
                if "Content Security Policy" in message.text:
                    violations.append(f"{page.url}: {message.text}")

            page.on("console", on_console)
            for url in ["/", "/accounts/login/", ADMIN_LOGIN]:
                page.goto(base_url + url)
                page.wait_for_load_state("load")
            page.goto(base_url + "/api/docs-split/")
            title = page.locator(".swagger-ui .info .title")
            title.wait_for(timeout=10_000)
            return violations, title.inner_text()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_in_chromium_under_the_policy(live_server, settings):
    """No script is blocked by the policy on our pages, the admin and the (split) Swagger UI."""
    from tests.browser.conftest import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    settings.ROOT_URLCONF = __name__
    # Playwright's sync API will not start in a thread where another instance already runs (the
    # browser tests' session-wide one): this one gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        violations, title = pool.submit(visit_in_chromium, live_server.url).result(timeout=180)
    assert "MIRPS commitment monitor API" in title
    # Swagger UI's template also has a small inline <style> (page margin/background); the policy
    # blocks it, harmlessly. Scripts must never be blocked, and nothing else on our pages.
    assert not [v for v in violations if "script" in v.lower()], violations
    assert not [v for v in violations if "/api/docs-split/" not in v], violations


# --- 3. Sessions and passwords ----------------------------------------------------------------


def test_session_and_csrf_cookie_settings():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert django_settings.CSRF_COOKIE_HTTPONLY is True


def test_the_session_cookie_is_a_browser_session_cookie(alice):
    client = Client(REMOTE_ADDR="203.0.113.12")
    response = admin_login(client, PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    # ...and on the server it still lasts at most SESSION_COOKIE_AGE.
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "Xq7#pL2m",  # too short (8 < 10)
        "Kp4-vW9-z",  # still too short (9)
        "password123",  # common
        "1234567890123",  # common and entirely numeric
        "alice.example",  # too like the user's e-mail / username
    ],
)
def test_weak_passwords_are_rejected(password):
    user = get_user_model()(username="alice", email="alice@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted():
    user = get_user_model()(username="alice", email="alice@example.org")
    validate_password(PASSWORD, user=user)
    validate_password("Kp4-vW9-zQ", user=user)  # exactly 10 characters


# --- 4. E-mail --------------------------------------------------------------------------------


def load_settings(monkeypatch, **env: str):
    """Execute mirps/settings.py afresh with the given environment, as a separate module (the
    running configuration is left alone)."""
    for name in ["DEBUG", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"]:
        monkeypatch.delenv(name, raising=False)
    for name in ["EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", BASE_DIR / "mirps/settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_development_prints_mail_to_the_console(monkeypatch):
    dev = load_settings(monkeypatch, DJANGO_DEV="1")
    assert dev.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_mail_over_smtp_configured_from_the_environment(monkeypatch):
    prod = load_settings(
        monkeypatch,
        DJANGO_DEV="0",
        SECRET_KEY=secrets.token_urlsafe(45),
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="monitor",
        EMAIL_HOST_PASSWORD="s3cret",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="MIRPS monitor <monitor@example.org>",
    )
    assert prod.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (prod.EMAIL_HOST, prod.EMAIL_PORT) == ("smtp.example.org", 2525)
    assert (prod.EMAIL_HOST_USER, prod.EMAIL_HOST_PASSWORD) == ("monitor", "s3cret")
    assert prod.EMAIL_USE_TLS is False
    assert prod.DEFAULT_FROM_EMAIL == "MIRPS monitor <monitor@example.org>"
    assert prod.SERVER_EMAIL == prod.DEFAULT_FROM_EMAIL

    defaults = load_settings(monkeypatch, DJANGO_DEV="0", SECRET_KEY=secrets.token_urlsafe(45))
    assert (defaults.EMAIL_PORT, defaults.EMAIL_USE_TLS) == (587, True)


# --- 5. manage.py check --deploy ------------------------------------------------------------


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        # only what a production server would set: nothing from the development configuration
        if not name.startswith(("DJANGO_", "DEBUG", "SECURE_", "SESSION_", "CSRF_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mirps.settings",
        DJANGO_DEV="0",
        SECRET_KEY=secrets.token_urlsafe(45)[:60],
        ALLOWED_HOSTS="monitor.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert len(env["SECRET_KEY"]) == 60
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
