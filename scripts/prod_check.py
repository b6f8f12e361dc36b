"""`make prod-check`: start the app as production runs it and check it over HTTP.

Two gunicorn instances (several workers each) on two ports, sharing only PostgreSQL and Redis,
with the production settings (DEBUG off, a real SECRET_KEY, collected static files, Redis as
the shared cache), behind what a TLS proxy would send (``X-Forwarded-Proto: https``). Then,
over HTTP only:

* the health endpoint of both (database and cache);
* an approval made through one server is visible on the other at once (shared cache);
* static files served (hashed, compressed, cached for long);
* security headers and cookies; plain HTTP is redirected to HTTPS;
* a styled 404 page, and a styled 500 page (and a 503 health) when the database goes away;
* behind the proxy (``TRUSTED_PROXIES=127.0.0.1``, each "person" its own ``X-Forwarded-For``):
  the API's rate limit is one budget across both servers (429 with Retry-After on both once it
  is spent, another address unaffected); a password spray from one address across both servers
  is refused on both, while the secretariat it hammered signs in from another address on both,
  and a person who has not failed signs in from the sprayed address.

Everything it makes is its own and removed at the end, whatever happens: a database
``mirps_prodcheck_<pid>``, the Redis keys under its own prefix, a temporary directory, the
gunicorn processes. Settings: ``PROD_CHECK_PORTS`` (default 18080,18081), ``PROD_CHECK_PG``
(a PostgreSQL URL to create the database with, default postgres://postgres@127.0.0.1:5432/
postgres), ``PROD_CHECK_REDIS`` (default redis://127.0.0.1:6379/2).
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from base64 import b64encode
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg2
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PORTS = [int(p) for p in os.environ.get("PROD_CHECK_PORTS", "18080,18081").split(",")]
PG_URL = os.environ.get("PROD_CHECK_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PROD_CHECK_REDIS", "redis://127.0.0.1:6379/2")
TAG = f"prodcheck{os.getpid()}"
DB_NAME = f"mirps_{TAG}"
SECRETARIAT = ("check-secretariat", secrets.token_urlsafe(18))
TEAM = ("check-gtm", secrets.token_urlsafe(18))
PERIOD, CODE = "2025", "GTM-PRO-01"
API_BUDGET, SIGN_IN_BUDGET = 30, 20

results: list[tuple[bool, str]] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    results.append((bool(ok), what))
    print(f"  {'ok ' if ok else 'FAIL'} {what}" + (f" ({detail})" if detail and not ok else ""))
    return bool(ok)


# --- a tiny HTTP client: keeps cookies itself (they are Secure; we speak plain HTTP to the
# app as a TLS proxy would), never follows redirects, says it came over HTTPS ------------


class Browser:
    def __init__(self, port: int, *, https: bool = True, forwarded_for: str = ""):
        self.port, self.https, self.cookies = port, https, {}
        # the address the TLS proxy (127.0.0.1, trusted) says the request came from
        self.forwarded_for = forwarded_for

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method, path, *, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "es"}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.data = response.read()
        response.text = response.data.decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, data, referer):
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request(
            "POST",
            path,
            body=data,
            headers={"Origin": self.origin, "Referer": self.origin + referer},
        )

    def csrf_from(self, path):
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return page, match.group(1) if match else ""

    def sign_in(self, username, password) -> bool:
        _page, token = self.csrf_from("/accounts/login/")
        response = self.request(
            "POST",
            "/accounts/login/",
            body={"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers={"Origin": self.origin, "Referer": self.origin + "/accounts/login/"},
        )
        self.last_sign_in = response
        return response.status == 302 and "sessionid" in self.cookies


# --- set-up and clean-up -------------------------------------------------------------------


def admin_sql(*statements) -> None:
    """Run statements on the administrative connection, each on its own (CREATE and DROP
    DATABASE cannot run inside a transaction)."""
    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(*statement) if isinstance(statement, tuple) else cursor.execute(
                    statement
                )
    finally:
        connection.close()


def app_env(tmp: Path) -> dict[str, str]:
    parsed = urllib.parse.urlsplit(PG_URL)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mirps.settings",
        DJANGO_DEV="0",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=urllib.parse.urlunsplit(parsed._replace(path=f"/{DB_NAME}")),
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=TAG,
        # the job queue (releases) in the same Redis, under a queue of its own; a separate
        # worker process (manage.py run_huey) runs the jobs, as in production
        JOBS_URL=REDIS_URL,
        JOBS_QUEUE=TAG,
        # the checks' client plays the TLS proxy: it says whose each request is
        TRUSTED_PROXIES="127.0.0.1",
        # a budget the throttle checks can spend in a second (an hour's window: no reset
        # between the first request and the last)
        API_RATE_ANON=f"{API_BUDGET}/h",
        SIGN_IN_FAILURES_PER_ADDRESS=f"{SIGN_IN_BUDGET}/h",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args, stdin=None):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


CREATE_USERS = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from countries.permissions import SECRETARIAT_GROUP
from countries.models import Country, Membership
User = get_user_model()
sofia = User.objects.create_user({SECRETARIAT[0]!r}, password={SECRETARIAT[1]!r}, is_staff=True)
sofia.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
team = User.objects.create_user({TEAM[0]!r}, password={TEAM[1]!r})
Membership.objects.create(user=team, country=Country.objects.get(iso3="GTM"))
"""


def start_server(env, port, log: Path):
    handle = log.open("w")
    return subprocess.Popen(
        [GUNICORN, "mirps.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with all its workers
    )


def start_worker(env, log: Path):
    """The job worker beside gunicorn (README: production runs ``manage.py run_huey``)."""
    handle = log.open("w")
    return subprocess.Popen(
        [PYTHON, "manage.py", "run_huey"],
        cwd=BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def release_checks(a: Browser, secretariat: Browser) -> None:
    """Locking a period on server A queues its release; the worker builds it; server B serves
    it; every file's bytes match the checksum the API gives."""
    print("a release built by the job worker")
    _page, _token = secretariat.csrf_from("/workspace/periods/")
    locked = secretariat.post_form(
        f"/workspace/periods/{PERIOD}/lock/", {"locked": "1"}, "/workspace/periods/"
    )
    check(locked.status == 302, f"the secretariat locks {PERIOD} on server A", str(locked.status))
    b = Browser(PORTS[1])
    deadline, detail = time.time() + 120, None
    while time.time() < deadline:
        detail = b.get(f"/api/v1/releases/{PERIOD}/1.0/")
        if detail.status == 200:
            break
        time.sleep(1)
    check(
        detail is not None and detail.status == 200,
        f"the worker publishes release {PERIOD} 1.0; server B's API lists it",
        f"{detail.status if detail else None} {detail.text[:200] if detail else ''}",
    )
    if detail is None or detail.status != 200:
        return
    files = json.loads(detail.text).get("files", [])
    wrong = []
    for item in files:
        path = urllib.parse.urlsplit(item["url"]).path
        body = a.get(path)
        if body.status != 200 or hashlib.sha256(body.data).hexdigest() != item["sha256"]:
            wrong.append((item["name"], body.status))
    check(
        len(files) > 5 and not wrong,
        f"server A serves its {len(files)} files, each matching its SHA-256",
        str(wrong[:5]),
    )


def wait_until_up(port, process, deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        if process.poll() is not None:
            return False
        try:
            if Browser(port).get("/health/").status in (200, 503):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def stop(process):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def port_free(port) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


# --- the checks ------------------------------------------------------------------------------


def country_reported(browser) -> int | None:
    """Reported commitments of Guatemala in PERIOD, from the (cached) country export: a row
    reads period, country code, name, commitments, reported, ..."""
    response = browser.get(f"/export/country.csv?period={PERIOD}")
    if response.status != 200:
        return None
    for row in csv.reader(io.StringIO(response.text.lstrip("\ufeff"))):
        if len(row) > 4 and row[1] == "GTM":
            return int(row[4])
    return None


def run_checks(a: Browser, b: Browser, team_api_b: dict, env) -> None:
    print("health")
    for name, browser in (("A", a), ("B", b)):
        response = browser.get("/health/")
        body = json.loads(response.text) if response.status in (200, 503) else {}
        check(
            response.status == 200 and body == {"status": "ok", "database": "ok", "cache": "ok"},
            f"server {name}: /health/ says database and cache are ok",
            f"{response.status} {response.text[:200]}",
        )

    print("security")
    home = a.get("/")
    check(home.status == 200, "the dashboard answers 200", str(home.status))
    expected = {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for header, value in expected.items():
        check(home.headers.get(header) == value, f"{header}: {value}", home.headers.get(header))
    csp = home.headers.get("Content-Security-Policy", "")
    check(
        "default-src 'self'" in csp and "frame-ancestors 'none'" in csp,
        "Content-Security-Policy: default-src 'self', frame-ancestors 'none'",
        csp,
    )
    plain = Browser(a.port, https=False).get("/")
    check(
        plain.status == 301 and plain.headers.get("Location", "").startswith("https://"),
        "plain HTTP is redirected to HTTPS",
        f"{plain.status} {plain.headers.get('Location')}",
    )
    debug = a.get("/no-such-page/")
    check(
        debug.status == 404
        and "Página no encontrada" in debug.text
        and 'class="site-header"' in debug.text
        and "URLconf" not in debug.text,
        "404: the site's own page, in Spanish, no debug information",
        f"{debug.status} {debug.text[:300]}",
    )

    print("static files")
    match = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home.text)
    check(match is not None, "pages link hashed static files (collectstatic, manifest)")
    if match:
        css = a.get(match.group(1), headers={"Accept-Encoding": "gzip"})
        check(
            css.status == 200 and css.headers.get("Content-Type", "").startswith("text/css"),
            "the stylesheet is served by the app server",
            f"{css.status} {css.headers.get('Content-Type')}",
        )
        check(
            "max-age=315360000" in css.headers.get("Cache-Control", "")
            and css.headers.get("Content-Encoding") == "gzip",
            "hashed static files are compressed and cached for long",
            f"{css.headers.get('Cache-Control')} {css.headers.get('Content-Encoding')}",
        )

    print("sign-in")
    secretariat = Browser(a.port)
    signed_in = secretariat.sign_in(*SECRETARIAT)
    check(signed_in, "the secretariat signs in on server A", str(secretariat.last_sign_in.status))
    raw = secretariat.last_sign_in.headers.get_all("Set-Cookie") or []
    session = next((c for c in raw if c.startswith("sessionid=")), "")
    check(
        "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session,
        "the session cookie is Secure, HttpOnly, SameSite=Lax",
        session,
    )

    print("one cache for both servers")
    before = country_reported(b)
    check(before is not None, "server B exports Guatemala's figures", str(before))
    submitted = b.request(
        "POST",
        "/api/v1/status-updates/",
        body=json.dumps(
            {
                "commitment": CODE,
                "period": PERIOD,
                "status": 3,
                "narrative": "Checked in production",
                "base_version": 0,
            }
        ),
        headers={"Content-Type": "application/json", **team_api_b},
    )
    check(
        submitted.status == 201,
        "the national team submits through the API on server B",
        f"{submitted.status} {submitted.text[:300]}",
    )
    update = json.loads(submitted.text).get("id") if submitted.status == 201 else None
    check(country_reported(b) == before, "a submission does not count before its approval")
    _page, _token = secretariat.csrf_from("/workspace/review/")
    approved = secretariat.post_form(
        "/workspace/review/", {"approve_one": str(update)}, "/workspace/review/"
    )
    check(
        approved.status == 302,
        "the secretariat approves it on server A",
        f"{approved.status} {approved.text[:300]}",
    )
    after = country_reported(b)
    check(
        before is not None and after == before + 1,
        "server B shows the approval at once (its cached figures were invalidated)",
        f"before {before}, after {after}",
    )
    detail = json.loads(b.get(f"/api/v1/commitments/{CODE}/?period={PERIOD}").text)
    check(detail.get("status") == 3, "server B's API shows the approved status", str(detail)[:200])

    release_checks(a, secretariat)

    throttle_checks(a.port, b.port)

    print("when the database goes away")
    admin_sql(
        f'ALTER DATABASE "{DB_NAME}" ALLOW_CONNECTIONS false',
        (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        ),
    )
    page = a.get(f"/commitments/{CODE}/")
    check(
        page.status == 500
        and "Algo salió mal" in page.text
        and 'class="site-header"' in page.text
        and "/static/css/app." in page.text
        and "Traceback" not in page.text,
        "500: the site's own styled page, in Spanish, nothing of the error shown",
        f"{page.status} {page.text[:300]}",
    )
    api = a.get("/api/v1/commitments/")
    check(
        api.status == 500 and api.headers.get("Content-Type") == "application/json",
        "500 under /api/ is JSON",
        f"{api.status} {api.headers.get('Content-Type')}",
    )
    health = a.get("/health/")
    check(
        health.status == 503 and json.loads(health.text).get("database") == "error",
        "/health/ says 503, database error",
        f"{health.status} {health.text[:200]}",
    )


def throttle_checks(port_a: int, port_b: int) -> None:
    print("rate limits, shared by both servers, per person behind the proxy")
    reader = {port: Browser(port, forwarded_for="198.51.100.7") for port in (port_a, port_b)}
    statuses = [
        reader[(port_a, port_b)[n % 2]].get("/api/v1/countries/").status for n in range(API_BUDGET)
    ]
    check(
        statuses == [200] * API_BUDGET,
        f"{API_BUDGET} anonymous API requests from one address, alternating servers: all 200",
        str(statuses),
    )
    for name, port in (("A", port_a), ("B", port_b)):
        refused = reader[port].get("/api/v1/countries/")
        retry = refused.headers.get("Retry-After", "")
        check(
            refused.status == 429 and retry.isdigit() and int(retry) > 0,
            f"server {name}: the next one is 429 with Retry-After (one budget for both)",
            f"{refused.status} {retry!r} {refused.text[:200]}",
        )
    other = Browser(port_b, forwarded_for="198.51.100.8").get("/api/v1/countries/")
    check(other.status == 200, "another address behind the proxy is not affected", str(other))

    attacker = {port: Browser(port, forwarded_for="203.0.113.66") for port in (port_a, port_b)}
    for n in range(5):  # axes locks (the secretariat, the attacker's address)
        attacker[port_a].sign_in(SECRETARIAT[0], f"guess-{n}")
    statuses = []
    for n in range(SIGN_IN_BUDGET):
        attacker[(port_a, port_b)[n % 2]].sign_in(f"sprayed-{n}", "guess-2024")
        statuses.append(attacker[(port_a, port_b)[n % 2]].last_sign_in.status)
    check(
        statuses == [200] * SIGN_IN_BUDGET,
        f"{SIGN_IN_BUDGET} failed sign-ins, one per username, alternating servers: each refused",
        str(statuses),
    )
    for name, port in (("A", port_a), ("B", port_b)):
        attacker[port].sign_in("sprayed-1", "guess-2025")
        check(
            attacker[port].last_sign_in.status == 429,
            f"server {name}: after a spray over both servers, a second guess is 429",
            str(attacker[port].last_sign_in.status),
        )
        attacker[port].sign_in(*SECRETARIAT)
        check(
            attacker[port].last_sign_in.status == 429,
            f"server {name}: the hammered account is locked for the attacker's address",
            str(attacker[port].last_sign_in.status),
        )
        staff = Browser(port, forwarded_for="198.51.100.77")
        check(
            staff.sign_in(*SECRETARIAT),
            f"server {name}: meanwhile the secretariat signs in from its own address",
            str(staff.last_sign_in.status),
        )
        colleague = Browser(port, forwarded_for="203.0.113.66")
        check(
            colleague.sign_in(*TEAM),
            f"server {name}: someone who has not failed signs in from the sprayed address",
            str(colleague.last_sign_in.status),
        )


def main() -> int:
    started = time.time()
    for port in PORTS[:2]:
        if not port_free(port):
            print(f"prod-check: port {port} is in use; set PROD_CHECK_PORTS", file=sys.stderr)
            return 2
    tmp = Path(tempfile.mkdtemp(prefix="mirps-prodcheck-"))
    env = app_env(tmp)
    servers = []
    created = False
    try:
        admin_sql(f'CREATE DATABASE "{DB_NAME}"')
        created = True
        print(f"prod-check: database {DB_NAME}, Redis {REDIS_URL} (prefix {TAG}), ports {PORTS}")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--noinput")
        manage(env, "load_plans")
        manage(env, "collectstatic", "--noinput")
        manage(env, "shell", stdin=CREATE_USERS)
        for port in PORTS[:2]:
            servers.append(start_server(env, port, tmp / f"gunicorn-{port}.log"))
        servers.append(start_worker(env, tmp / "worker.log"))
        for port, process in zip(PORTS, servers, strict=False):
            if not wait_until_up(port, process):
                print((tmp / f"gunicorn-{port}.log").read_text()[-3000:], file=sys.stderr)
                check(False, f"gunicorn on port {port} starts")
                return 1
        check(True, f"two gunicorn instances (2 workers each) on ports {PORTS[0]}, {PORTS[1]}")
        token = b64encode(f"{TEAM[0]}:{TEAM[1]}".encode()).decode()
        run_checks(Browser(PORTS[0]), Browser(PORTS[1]), {"Authorization": f"Basic {token}"}, env)
    except Exception as exc:  # a broken step is a failed check, and the clean-up still runs
        check(False, "prod-check ran to the end", repr(exc))
    finally:
        for process in servers:
            stop(process)
        if created:
            admin_sql(
                f'ALTER DATABASE "{DB_NAME}" ALLOW_CONNECTIONS true',
                f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)',
            )
        try:
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"*{TAG}*", count=500))  # cache and job queue
            if keys:
                client.delete(*keys)
        except redis.RedisError as exc:
            print(f"prod-check: could not remove its Redis keys: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = sum(1 for ok, _ in results if not ok)
    print(f"prod-check took {time.time() - started:.0f} s")
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
