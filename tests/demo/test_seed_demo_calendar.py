"""seed_demo gives the open period a calendar, so the tracker and days left show something."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import ChangeEvent
from demo.services import demo_calendar, seed_demo
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from tests.builders import secretariat
from tests.plans import loaded_plans
from workspace.tracker import tracker

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    loaded_plans()


def test_seed_demo_sets_deadlines_on_the_open_period(plans):
    seed_demo()
    today = timezone.localdate()
    open_period = ReportingPeriod.objects.get(code="2025")  # the newest unlocked period
    assert open_period.submission_deadline == today + dt.timedelta(days=21)
    assert open_period.review_deadline == today + dt.timedelta(days=35)
    assert open_period.days_left() == 21
    assert tracker(open_period).days_left == 21
    # the other periods keep no calendar
    others = ReportingPeriod.objects.exclude(code="2025")
    assert not others.filter(submission_deadline__isnull=False).exists()
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_DEADLINES)
    # written by the demo's own secretariat account, through the deadlines service
    assert (event.period, event.route, event.user.username) == (open_period, "demo", "demo-data")


def test_seeding_again_never_replaces_a_calendar(plans):
    sofia = secretariat()
    period = ReportingPeriod.objects.get(code="2025")
    set_period_deadlines(
        period=period, submission_deadline=dt.date(2025, 3, 1), review_deadline=None, user=sofia
    )
    seed_demo()
    seed_demo()
    period.refresh_from_db()
    assert (period.submission_deadline, period.review_deadline) == (dt.date(2025, 3, 1), None)
    assert ChangeEvent.objects.filter(action=ChangeEvent.Action.PERIOD_DEADLINES).count() == 1


def test_the_deadline_never_falls_before_the_period_starts(plans):
    period = demo_calendar(today=dt.date(2024, 6, 1))
    assert period.code == "2025"
    assert period.submission_deadline == dt.date(2025, 1, 1)  # 2024-06-22 would be before it
    assert period.review_deadline == dt.date(2025, 1, 15)


def test_seed_demo_locks_the_closed_periods_through_the_locking_service(plans):
    """The demo's closed periods (2021-2023, 2024-H1) are locked, each with its audit event
    (route demo, as the lock service writes it); 2024 and the open period stay open, so a team
    can report in 2025 but never upload into 2021."""
    from commitments.models import Commitment
    from demo.services import DEMO_CLOSED_PERIODS
    from mirps.vocabulary import Route as Source
    from statuses.services import PeriodLocked, record_status
    from tests.builders import member

    seed_demo()
    locked = set(ReportingPeriod.objects.filter(locked=True).values_list("code", flat=True))
    assert locked == {"2021", "2022", "2023", "2024-H1"} == set(DEMO_CLOSED_PERIODS)
    assert set(ReportingPeriod.objects.filter(locked=False).values_list("code", flat=True)) == {
        "2024",
        "2025",
    }
    events = ChangeEvent.objects.filter(action=ChangeEvent.Action.PERIOD_LOCKED)
    assert sorted(events.values_list("period__code", flat=True)) == sorted(DEMO_CLOSED_PERIODS)
    assert {(e.route, e.user.username, e.old_value, e.new_value) for e in events} == {
        (Source.DEMO, "demo-data", "False", "True")
    }
    seed_demo()  # seeding again locks nothing twice
    assert events.count() == len(DEMO_CLOSED_PERIODS)

    team = member("gabriel", "GTM")
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    with pytest.raises(PeriodLocked):
        record_status(
            commitment=commitment,
            period=ReportingPeriod.objects.get(code="2021"),
            status=3,
            narrative="late news",
            user=team,
            base_version=None,
        )
    row = record_status(
        commitment=commitment,
        period=ReportingPeriod.objects.get(code="2025"),
        status=3,
        narrative="news",
        user=team,
    )
    assert row.period.code == "2025"
