"""seed_demo goes through the services a person's writes go through: statuses recorded by
``record_many`` as the demo's own secretariat account, periods opened and locked and given
deadlines by the period services. So the demo keeps the rules: a locked period is never
rewritten, a real status is never superseded nor hidden, every row says who wrote it."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import ChangeEvent
from commitments.models import Commitment
from countries.permissions import is_secretariat
from demo.services import DEMO_USERNAME, DemoAccountTaken, demo_history, seed_demo
from mirps.vocabulary import ReviewState, Route
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(db):
    loaded_plans()


def demo_rows():
    return StatusUpdate.objects.filter(source=Route.DEMO)


def test_the_demo_writes_as_its_own_secretariat_account_through_record_many(plans):
    count = seed_demo()
    account = get_user_model().objects.get(username=DEMO_USERNAME)
    assert is_secretariat(account) and not account.has_usable_password()
    assert count == demo_rows().count() == len(demo_history(Commitment.objects.all()))
    # approved on save, as the secretariat's statuses are, and recorded by the demo's account
    assert set(demo_rows().values_list("review_state", "created_by", "reviewed_by")) == {
        (ReviewState.APPROVED, account.pk, account.pk)
    }
    # record_many says what each row changed: the approved status as of the period before
    for row in demo_rows().filter(period__code="2022").select_related("commitment"):
        earlier = demo_rows().filter(commitment=row.commitment, period__code="2021").first()
        assert row.status_before == (earlier.status if earlier else None)
    # the demo's mid-year period was opened through the period service
    opened = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_OPENED)
    assert (opened.new_value, opened.route, opened.user) == ("2024-H1", Route.DEMO, account)


def test_a_locked_period_is_never_rewritten_and_an_open_one_is_replaced(plans):
    seed_demo()
    locked = dict(demo_rows().filter(period__locked=True).values_list("pk", "status"))
    open_rows = set(demo_rows().filter(period__locked=False).values_list("pk", flat=True))
    assert locked and open_rows
    events = ChangeEvent.objects.count()

    seed_demo()

    assert dict(demo_rows().filter(period__locked=True).values_list("pk", "status")) == locked
    again = set(demo_rows().filter(period__locked=False).values_list("pk", flat=True))
    assert again and not again & open_rows  # 2024's demo rows written anew
    # nothing unlocked, relocked or opened again
    assert ChangeEvent.objects.count() == events


def test_a_period_locked_before_seeding_gets_no_demo_status(plans):
    set_period_locked(
        period=ReportingPeriod.objects.get(code="2024"), locked=True, user=secretariat()
    )
    seed_demo()
    assert not demo_rows().filter(period__code="2024").exists()
    assert demo_rows().filter(period__code="2023").exists()
    assert not ChangeEvent.objects.filter(action=ChangeEvent.Action.PERIOD_UNLOCKED).exists()


def test_real_statuses_are_never_superseded_nor_hidden(plans):
    seed_demo()
    period = ReportingPeriod.objects.get(code="2024")
    commitment = demo_rows().filter(period=period).first().commitment
    team = member("gabriel", commitment.country.iso3)
    submitted = record_status(
        commitment=commitment,
        period=period,
        status=5,
        narrative="Real news",
        user=team,
        base_version=None,
    )

    seed_demo()

    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.SUBMITTED  # still waiting for review
    assert not demo_rows().filter(commitment=commitment, period=period).exists()
    assert not ChangeEvent.objects.filter(action=ChangeEvent.Action.SUPERSEDED).exists()


def test_an_account_named_like_the_demo_s_that_can_sign_in_is_never_used(plans):
    someone = get_user_model().objects.create_user(DEMO_USERNAME, password="pw-Someone-2024")
    with pytest.raises(DemoAccountTaken):
        seed_demo()
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not demo_rows().exists() and not someone.groups.exists()
    assert not ChangeEvent.objects.exists()
