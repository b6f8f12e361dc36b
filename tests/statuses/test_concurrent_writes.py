"""Findings 3 and 5, and the races around them, with real threads on PostgreSQL: conflicting
saves, an approval while the team resubmits, a write while the period is locked, two uploads
applied at once. No 500, no lost update, no deadlock, no write after a lock.

Each thread is a separate client with its own database connection; a barrier starts them
together. The lock order that makes this hold is in ``commitments/services/locking.py``.
"""

from __future__ import annotations

import io
import threading
import time

import openpyxl
import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import ChangeEvent
from commitments.models import Commitment
from countries.models import Country
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from spreadsheets import importer
from spreadsheets.formats import COLUMNS
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.template import build_matrix
from statuses import services as statuses
from statuses.models import StatusUpdate
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    loaded_plans()
    return {"sofia": secretariat("sofia"), "gabriel": member("gabriel", "GTM")}


def run_together(*calls, timeout=60):
    """Run the calls in threads started at the same instant; return each one's result or the
    exception it raised (a thread that hangs, e.g. in a deadlock, fails the test)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as exc:  # reported to the test, never lost in the thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread is stuck (a deadlock?)"
    return results


def api(user) -> APIClient:
    client = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def post_status(user, code, period, status, base_version):
    def call():
        return api(user).post(
            "/api/v1/status-updates/",
            {
                "commitment": code,
                "period": period,
                "status": status,
                "narrative": f"status {status}",
                "base_version": base_version,
            },
            format="json",
        )

    return call


def newest(code, period):
    return (
        StatusUpdate.objects.filter(commitment__code=code, period__code=period)
        .order_by("-created_at", "-id")
        .first()
    )


def test_conflicting_saves_one_wins_the_others_get_409(people):
    for round_, code in enumerate(["GTM-PRO-01", "GTM-PRO-02", "GTM-PRO-03", "GTM-PRO-04"]):
        writers = [people["sofia"], people["gabriel"]] * 4
        responses = run_together(
            *[post_status(user, code, "2024", n % 6, 0) for n, user in enumerate(writers)]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * 7, (round_, codes)
        # no lost update: the one row is the winner's, and every 409 names it
        winner = StatusUpdate.objects.get(commitment__code=code)
        assert all(
            r.json()["current"]["id"] == winner.pk for r in responses if r.status_code == 409
        )


def test_approving_while_the_team_resubmits_never_deadlocks(people):
    sofia, gabriel = people["sofia"], people["gabriel"]
    reviewer = Client(raise_request_exception=False)
    reviewer.force_login(sofia)
    outcomes = set()
    for round_ in range(40):
        base = newest("GTM-PRO-01", "2024")
        submitted = post_status(gabriel, "GTM-PRO-01", "2024", round_ % 6, base.pk if base else 0)()
        assert submitted.status_code == 201, submitted.content
        first = submitted.json()["id"]

        def approve(first=first):
            return reviewer.post(reverse("review-queue"), {"approve_one": str(first)})

        review, resubmit = run_together(
            approve, post_status(gabriel, "GTM-PRO-01", "2024", (round_ + 1) % 6, first)
        )
        # 302 when approved; 200 with "no longer awaiting review" when the resubmission won
        assert review.status_code in (200, 302), (round_, review.status_code)
        assert resubmit.status_code == 201, (round_, resubmit.status_code, resubmit.content)
        state = StatusUpdate.objects.get(pk=first).review_state
        # either the approval came first (and the resubmission is the next pending row) or the
        # resubmission did (and the approval was refused): never both, never neither
        assert state in (ReviewState.APPROVED, ReviewState.SUPERSEDED), state
        events = set(
            ChangeEvent.objects.filter(status_update_id=first).values_list("action", flat=True)
        )
        assert events == {state}, (state, events)
        outcomes.add(state)
    assert outcomes  # at least one outcome observed (usually both)


def test_no_write_lands_after_its_period_is_locked(people, monkeypatch):
    sofia, gabriel = people["sofia"], people["gabriel"]
    period = ReportingPeriod.objects.get(code="2024")
    original = statuses.check_changes
    current_delay = [0.0]

    def slow_check(*args, **kwargs):
        # Widen the window between starting a write and checking the period, where the race was
        time.sleep(current_delay[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(statuses, "check_changes", slow_check)
    for round_, delay in enumerate([0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.0, 0.01, 0.02, 0.04]):
        current_delay[0] = delay
        base = newest("GTM-PRO-05", "2024")
        seen_by_lock = []

        def lock(seen_by_lock=seen_by_lock):
            with transaction.atomic():
                set_period_locked(period=period, locked=True, user=sofia)
                # what had landed when the lock was taken (the lock is held until commit)
                seen_by_lock.append(StatusUpdate.objects.filter(period=period).count())

        write, locked = run_together(
            post_status(gabriel, "GTM-PRO-05", "2024", round_ % 6, base.pk if base else 0), lock
        )
        assert locked is None, locked
        assert write.status_code in (201, 400), (round_, write.status_code)
        if write.status_code == 400:
            assert "locked" in str(write.json()["period"])
        # a write either landed before the lock or was refused: none after
        assert StatusUpdate.objects.filter(period=period).count() == seen_by_lock[0], round_
        set_period_locked(period=period, locked=False, user=sofia)


def matrix_upload(user, codes, status, period):
    """A filled-in matrix for GTM: ``codes`` at ``status``, previewed for ``user``."""
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "en", user)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    keys = [column.key for column in COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in codes:
            row[keys.index("status")].value = status
            row[keys.index("narrative")].value = f"Set to {status} by {user.username}"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = importer.create_upload(
        data=buffer.getvalue(), name="matrix.xlsx", user=user, period=period
    )
    assert upload.state == SpreadsheetUpload.State.PREVIEWED
    assert len(upload.preview["changes"]) == len(codes), upload.preview
    return upload


def apply_call(user, upload):
    def call():
        return api(user).post(f"/api/v1/spreadsheet-uploads/{upload.pk}/apply/", {}, format="json")

    return call


CODES = ["GTM-PRO-01", "GTM-PRO-02", "GTM-PRO-03"]


def test_two_uploads_of_the_same_rows_applied_at_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sofia, gabriel = people["sofia"], people["gabriel"]
    period = ReportingPeriod.objects.get(code="2025")
    theirs = matrix_upload(gabriel, CODES, 2, period)
    ours = matrix_upload(sofia, CODES, 4, period)
    first, second = run_together(apply_call(gabriel, theirs), apply_call(sofia, ours))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    states = {u.pk: u.state for u in SpreadsheetUpload.objects.all()}
    assert sorted(states.values()) == ["applied", "failed"]
    applied = next(u for u in (theirs, ours) if states[u.pk] == "applied")
    # all of the winner's rows, none of the loser's: all or nothing
    rows = StatusUpdate.objects.filter(period=period)
    assert rows.count() == 3
    assert {r.created_by_id for r in rows} == {applied.user_id}


def test_the_same_upload_applied_twice_at_once_applies_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gabriel = people["gabriel"]
    period = ReportingPeriod.objects.get(code="2025")
    upload = matrix_upload(gabriel, CODES, 3, period)
    first, second = run_together(apply_call(gabriel, upload), apply_call(gabriel, upload))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    upload.refresh_from_db()
    assert upload.state == SpreadsheetUpload.State.APPLIED and upload.applied == 3
    assert StatusUpdate.objects.filter(period=period).count() == 3
    assert Commitment.objects.filter(updates__period=period).distinct().count() == 3
