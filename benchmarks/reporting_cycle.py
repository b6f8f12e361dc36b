"""Benchmark: the reporting tracker and send_reminders at scale.

    DJANGO_DEV=1 .venv/bin/python benchmarks/reporting_cycle.py [COMMITMENTS]

Builds a throwaway SQLite database (or uses DATABASE_URL: it must be an empty database you can
spare) with the 229 commitments plus synthetic ones up to COMMITMENTS (default 10,000) spread
over the seven countries, four approved periods of history per commitment, the open period half
reported (approved, waiting, returned, superseded), 70 national team members and 5 secretariat
staff with e-mail addresses. It times:

* ``tracker.tracker(period)``: the counts for every country (median of 5, and its queries);
* the start page for the secretariat and for a national team member (test client);
* ``send_reminders`` when every member is due a reminder listing what is missing (the e-mails
  go to Django's in-memory backend, so the SMTP server is not timed), then the same command
  again, when nothing is due (what an hourly cron run costs on most hours).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
os.environ.setdefault("DJANGO_DEV", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "0")  # queries are counted only where the benchmark asks
TMP = tempfile.mkdtemp(prefix="mirps-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

COMMITMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def setup_data():
    from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
    from commitments.services import load_plans
    from countries.models import Membership
    from mirps.vocabulary import ReviewState
    from mirps.vocabulary import Route as Source
    from periods.models import ReportingPeriod
    from statuses.models import StatusUpdate
    from tests.builders import member, secretariat

    call_command("migrate", verbosity=0)
    load_plans()
    plans = list(NationalPlan.objects.select_related("country"))
    area, pillar = FocusArea.objects.get(code="PRO"), Pillar.objects.get(number=1)
    extra = COMMITMENTS - Commitment.objects.count()
    Commitment.objects.bulk_create(
        [
            Commitment(
                code=f"{plans[i % 7].country.iso3}-PRO-{1000 + i}",
                plan=plans[i % 7],
                country=plans[i % 7].country,
                focus_area=area,
                pillar=pillar,
                text=f"Synthetic commitment {i}",
                order=1000 + i,
            )
            for i in range(max(0, extra))
        ],
        batch_size=500,
    )
    periods = list(ReportingPeriod.objects.order_by("end_date"))
    history, current = periods[:-1], periods[-1]
    rows = []
    for n, commitment_id in enumerate(Commitment.objects.values_list("pk", flat=True)):
        for period in history:
            rows.append(
                StatusUpdate(
                    commitment_id=commitment_id,
                    period=period,
                    status=n % 6,
                    source=Source.WEB,
                    review_state=ReviewState.APPROVED,
                )
            )
        state = [
            ReviewState.APPROVED,
            ReviewState.SUBMITTED,
            ReviewState.RETURNED,
            ReviewState.SUPERSEDED,
            None,
            None,
        ][n % 6]
        if state is not None:
            rows.append(
                StatusUpdate(
                    commitment_id=commitment_id,
                    period=current,
                    status=n % 6,
                    source=Source.WEB,
                    review_state=state,
                    late=n % 12 == 0,
                )
            )
        if state == ReviewState.SUPERSEDED:  # ... and its replacement, waiting
            rows.append(
                StatusUpdate(
                    commitment_id=commitment_id,
                    period=current,
                    status=n % 6,
                    source=Source.WEB,
                    review_state=ReviewState.SUBMITTED,
                )
            )
    StatusUpdate.objects.bulk_create(rows, batch_size=1000)
    for i in range(5):
        user = secretariat(f"staff{i}", password="pw-Staff-2024-x")
        user.email = f"staff{i}@example.org"
        user.save()
    for plan in plans:
        for i in range(10):
            user = member(f"{plan.country.iso3.lower()}{i}", plan.country.iso3, password="pw-x")
            user.email = f"{user.username}@example.org"
            user.save()
    return current, len(rows), Membership.objects.count()


def median_ms(run, n=5):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    from notifications.models import Notification
    from periods.services import set_period_deadlines
    from tests.builders import secretariat
    from workspace import tracker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"database: {connection.vendor}; building {COMMITMENTS} commitments ...", flush=True)
    period, rows, members = setup_data()
    print(f"{rows} statuses, {members} national team members, 5 secretariat staff")
    with CaptureQueriesContext(connection) as queries:
        board = tracker.tracker(period)
    print(
        f"tracker.tracker():           {median_ms(lambda: tracker.tracker(period)):8.1f} ms "
        f"(median of 5), {len(queries)} query, {board.total.commitments} commitments"
    )
    for username in ["staff0", "gtm0"]:
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
        assert client.get("/workspace/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/workspace/")
        count = len(queries)
        took = median_ms(lambda c=client: c.get("/workspace/"))
        print(f"start page ({username:6}):        {took:8.1f} ms, {count} queries")

    # Everyone was told the period opened 10 days ago; the 7-day reminders are due now.
    today = timezone.localdate()
    boss = secretariat("boss", password="pw-Boss-2024-xx")
    set_period_deadlines(period=period, submission_deadline=today + dt.timedelta(days=7), user=boss)
    from notifications import cycle

    cycle.run(now=timezone.now() - dt.timedelta(days=10))
    profile = os.environ.get("PROFILE")
    for label in ["send_reminders (due)", "send_reminders (again)"]:
        before = Notification.objects.count()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            if profile:
                import cProfile

                cProfile.runctx(
                    "call_command('send_reminders', stdout=open(os.devnull, 'w'))",
                    globals(),
                    {"call_command": call_command, "os": os},
                    sort="cumtime",
                )
                profile = None
            else:
                call_command("send_reminders", stdout=open(os.devnull, "w"))
            took = (time.perf_counter() - start) * 1000
        made = Notification.objects.count() - before
        print(f"{label:28} {took:8.1f} ms, {made} notifications, {len(queries)} queries")
        if os.environ.get("SLOWEST"):
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
            print(f"    slowest query {slowest['time']} s: {slowest['sql'][:300]}")


if __name__ == "__main__":
    main()
