"""seed_demo gives the open period a calendar, so the tracker and days left show something."""

import datetime as dt

import pytest
from django.utils import timezone

from commitments.models import ChangeEvent, ReportingPeriod
from commitments.services import load_plans, seed_demo, set_period_deadlines
from commitments.services.demo import demo_calendar
from commitments.tracker import tracker
from tests.builders import secretariat

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    load_plans()


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
    assert (event.period, event.route, event.user) == (open_period, "demo", None)


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
