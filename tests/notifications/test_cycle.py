"""The reporting calendar and the notifications' schedule: deadlines, the late flag, which
reminder is due on which day, digests, the inbox and the settings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from audit.models import ChangeEvent
from commitments.models import Commitment
from notifications import cycle
from notifications.models import Kind, Notification
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from statuses.review import review
from statuses.services import record_status
from tests.builders import period as make_period
from workspace.tracker import stale_period_codes


def _c(code):
    return Commitment.objects.get(code=code)


def _keys(user):
    return set(Notification.objects.filter(recipient=user).values_list("key", flat=True))


# --- the calendar -----------------------------------------------------------------------------


def test_deadlines_are_checked_and_every_change_is_audited(cast, today):
    sofia, period = cast["sofia"], ReportingPeriod.objects.get(code="2025")
    with pytest.raises(ValidationError) as bad:
        set_period_deadlines(
            period=period,
            submission_deadline=dt.date(2026, 3, 31),
            review_deadline=dt.date(2026, 3, 1),
            user=sofia,
        )
    assert "review_deadline" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:
        set_period_deadlines(period=period, submission_deadline=dt.date(2024, 12, 31), user=sofia)
    assert "submission_deadline" in bad.value.message_dict
    with pytest.raises(PermissionDenied):
        set_period_deadlines(period=period, submission_deadline=today, user=cast["gabriel"])
    set_period_deadlines(
        period=period,
        submission_deadline=dt.date(2026, 3, 31),
        review_deadline=dt.date(2026, 4, 30),
        user=sofia,
    )
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_DEADLINES)
    assert (event.old_value, event.new_value) == ("- / -", "2026-03-31 / 2026-04-30")
    # the schema refuses what the service would (a write that goes around it)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.filter(pk=period.pk).update(review_deadline=dt.date(2026, 1, 1))


def test_a_status_after_the_deadline_is_accepted_and_marked_late(cast, period, today):
    on_time = record_status(
        commitment=_c("GTM-PRO-01"), period=period, status=1, narrative="a", user=cast["gabriel"]
    )
    set_period_deadlines(period=period, submission_deadline=today, user=cast["sofia"])
    on_the_day = record_status(
        commitment=_c("GTM-PRO-02"), period=period, status=1, narrative="b", user=cast["gabriel"]
    )
    set_period_deadlines(
        period=period, submission_deadline=today - dt.timedelta(days=1), user=cast["sofia"]
    )
    late = record_status(
        commitment=_c("GTM-PRO-03"), period=period, status=1, narrative="c", user=cast["gabriel"]
    )
    assert (on_time.late, on_the_day.late, late.late) == (False, False, True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["sofia"])
    queue = client.get("/workspace/review/").content.decode()
    assert queue.count('<span class="badge late">late</span>') == 1


def test_opening_a_period_on_the_page_tells_the_teams_at_once(
    cast, client, mailoutbox, django_capture_on_commit_callbacks, today
):
    client.force_login(cast["sofia"])
    code, deadline = f"{today.year}-H2", today + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workspace/periods/",
            {"code": code, "submission_deadline": deadline.isoformat(), "review_deadline": ""},
        )
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(code=code).submission_deadline == deadline
    told = Notification.objects.filter(kind=Kind.PERIOD_OPENED, key=f"opened:{code}")
    assert {n.recipient.username for n in told} == {"gabriel", "belinda", "hugo", "olga"}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "belinda@example.org",
        "gabriel@example.org",
        "hugo@example.org",
    ]
    # A deadline before the period starts is refused on the page, with the reason.
    later = str(today.year + 1)
    page = client.post(
        "/workspace/periods/", {"code": later, "submission_deadline": today.isoformat()}
    ).content.decode()
    assert "no puede ser anterior al inicio del período" in page  # Spanish by default
    assert not ReportingPeriod.objects.filter(code=later).exists()


# --- the schedule -----------------------------------------------------------------------------


def test_reminders_follow_the_calendar_and_each_goes_out_once(cast, settings, today):
    settings.NOTIFICATIONS_DIGEST_HOUR = 23
    sofia, gabriel, belinda = cast["sofia"], cast["gabriel"], cast["belinda"]
    period = ReportingPeriod.objects.get(code="2025")
    set_period_deadlines(
        period=period, submission_deadline=today + dt.timedelta(days=20), user=sofia
    )
    # Belize has updated everything: it is never reminded.
    for commitment in Commitment.objects.filter(country__iso3="BLZ"):
        record_status(commitment=commitment, period=period, status=1, narrative="x", user=sofia)
    start = timezone.now().replace(hour=10)

    def run(day):
        cycle.run(now=start + dt.timedelta(days=day))
        return _keys(gabriel)

    assert run(0) == {"opened:2025"}  # 20 days left: told it is open
    assert run(6) == {"opened:2025", "reminder:2025:14"}  # 14 days left
    assert run(9) == {"opened:2025", "reminder:2025:14"}  # 11 left: nothing due
    assert run(13) - run(13) == set() and "reminder:2025:7" in _keys(gabriel)  # 7 left, twice
    # the run on the last day was missed; the deadline day sends the 1-day reminder
    assert "reminder:2025:1" in run(20)
    assert "deadline:2025" in run(21)
    assert run(40) == run(21)  # long after: nothing more
    assert _keys(belinda) == {"opened:2025"}
    # the secretariat heard of the countries that sent nothing, from 7 days before, once each
    silent = Notification.objects.filter(recipient=sofia, kind=Kind.COUNTRY_SILENT)
    assert sorted(silent.values_list("key", flat=True)) == [
        f"silent:2025:{iso3}" for iso3 in ["CRI", "GTM", "HND", "MEX", "PAN", "SLV"]
    ]
    # the reminder lists what is missing, in the recipient's language
    reminder = Notification.objects.get(recipient=gabriel, key="reminder:2025:7")
    assert reminder.language == "es"
    (guatemala,) = reminder.data["countries"]
    assert (guatemala["missing_count"], guatemala["missing"][0]["code"]) == (30, "GTM-PRO-01")
    assert len(guatemala["missing"]) == 25  # listed; the rest are counted


def test_a_period_opened_close_to_its_deadline_is_not_followed_by_a_redundant_reminder(cast, today):
    period = ReportingPeriod.objects.get(code="2025")
    set_period_deadlines(
        period=period, submission_deadline=today + dt.timedelta(days=5), user=cast["sofia"]
    )
    now = timezone.now()
    cycle.run(now=now)  # 5 days left: the opening notice says so; no 7-day reminder too
    assert _keys(cast["gabriel"]) == {"opened:2025"}
    cycle.run(now=now + dt.timedelta(days=4))
    assert _keys(cast["gabriel"]) == {"opened:2025", "reminder:2025:1"}


def test_digests_of_approvals_and_of_waiting_submissions(cast, period, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    sofia, gabriel = cast["sofia"], cast["gabriel"]
    sent = [
        record_status(commitment=_c(code), period=period, status=2, narrative="n", user=gabriel)
        for code in ["GTM-PRO-01", "GTM-PRO-02", "GTM-PRO-03"]
    ]
    record_status(commitment=_c("HND-PRO-01"), period=period, status=1, narrative="s", user=sofia)
    review(updates=sent[:2], user=sofia, approve=True)
    morning = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(hour=6)
    cycle.run(now=morning)  # before the digest hour: none
    assert not Notification.objects.filter(kind__endswith="digest").exists()
    cycle.run(now=morning.replace(hour=8))
    cycle.run(now=morning.replace(hour=9))  # the same day again: nothing new
    digest = Notification.objects.get(kind=Kind.APPROVED_DIGEST)
    assert digest.recipient == gabriel
    assert [i["code"] for i in digest.data["items"]] == ["GTM-PRO-01", "GTM-PRO-02"]
    waiting = Notification.objects.get(kind=Kind.WAITING_DIGEST)
    assert waiting.recipient == sofia and waiting.data["total"] == 1
    # the next day: no new approval, no approved digest; the one submission still waits
    cycle.run(now=morning.replace(hour=8) + dt.timedelta(days=1))
    assert Notification.objects.filter(kind=Kind.APPROVED_DIGEST).count() == 1
    assert Notification.objects.filter(kind=Kind.WAITING_DIGEST).count() == 2


# --- the inbox and the settings --------------------------------------------------------------


def test_the_bell_counts_unread_and_opening_marks_read(cast, period):
    gabriel = cast["gabriel"]
    cycle.run()
    cycle.run()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(gabriel)
    page = client.get("/notifications/").content.decode()
    assert "1 unread notification" in page and "Reporting period 2025 is open" in page
    mine = Notification.objects.get(recipient=gabriel)
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response["Location"] == "/workspace/?period=2025"
    assert "unread notification" not in client.get("/workspace/").content.decode()
    # nobody opens someone else's notification
    client.force_login(cast["hugo"])
    assert client.get(f"/notifications/{mine.pk}/open/").status_code == 404
    hugo = Notification.objects.get(recipient=cast["hugo"])
    client.post("/notifications/read/")
    hugo.refresh_from_db()
    assert hugo.read_at is not None


def test_settings_choose_the_language_and_what_comes_by_email(cast, period):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["gabriel"])
    response = client.post("/notifications/settings/", {"language": "en", "email_reminders": "on"})
    assert response.status_code == 302
    cycle.run()
    opened = Notification.objects.get(recipient=cast["gabriel"])
    assert opened.language == "en" and opened.email_state == "sent"
    assert cycle.language_for(cast["belinda"], ["BLZ"]) == "en"
    assert cycle.language_for(cast["sofia"]) == "es"
    # a tampered unsubscribe link does nothing
    assert client.post("/notifications/unsubscribe/1:forged/").status_code == 400


def test_stale_statuses_are_older_than_the_previous_period(cast):
    periods = [make_period(code) for code in ["2023", "2024-H1", "2024", "2025"]]
    assert stale_period_codes(periods, periods[-1]) == {"2023", "2024-H1"}
    assert stale_period_codes(periods, periods[2]) == {"2023"}  # 2024: previous is 2024-H1
    assert stale_period_codes(periods, periods[0]) == set()  # nothing before 2023
    assert stale_period_codes(periods, None) == {"2023", "2024-H1"}
    record_status(
        commitment=_c("PAN-JOB-03"), period=periods[0], status=2, narrative="x", user=cast["sofia"]
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast["sofia"])
    page = client.get("/workspace/commitments/?country=PAN&period=2025").content.decode()
    row = page[page.index("PAN-JOB-03") :]
    assert row.index('class="badge stale"') < row.index("PAN-JOB-04")
    assert page.count('class="badge stale"') == 1
