"""The one review workflow (review.workflow): statuses and indicator values are reviewed by the
same rules — the secretariat only, all or none, a comment to return and at most 2,000
characters of it, one audit trail, and one notification to the author of a returned
submission, whichever kind it is."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import ChangeEvent
from commitments.models import Commitment
from countries.models import Country
from indicators import services as indicator_services
from indicators.loading import load_indicators
from indicators.models import Indicator, IndicatorValue
from mirps.vocabulary import ReviewState
from notifications.models import Kind, Notification
from periods.models import ReportingPeriod
from review.models import REVIEW_COMMENT_MAX_LENGTH
from statuses.models import StatusUpdate
from statuses.review import review as review_statuses
from statuses.services import record_status
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(db):
    """sofia: the secretariat (reviews); gabriel: Guatemala's team (submits, with an e-mail
    address so that a returned submission reaches him)."""
    loaded_plans()
    load_indicators()
    gabriel = member("gabriel", "GTM")
    gabriel.email = "gabriel@example.org"
    gabriel.save()
    return {"sofia": secretariat("sofia"), "gabriel": gabriel}


def a_status(user):
    return record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=ReportingPeriod.objects.get(code="2025"),
        status=3,
        narrative="Offices opened",
        user=user,
    )


def a_value(user):
    return indicator_services.submit_indicator_value(
        indicator=Indicator.objects.get(code="WORK_PERMITS_REFUGEES"),
        country=Country.objects.get(iso3="GTM"),
        value="61",
        user=user,
        base_version=None,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        source_document="IGM statistics",
        source_section="p. 4",
    )


KINDS = {
    "status": (a_status, lambda rows, **kw: review_statuses(updates=rows, **kw), StatusUpdate),
    "value": (
        a_value,
        lambda rows, **kw: indicator_services.review_values(values=rows, **kw),
        IndicatorValue,
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_rules_for_both_kinds(cast, kind):
    make, review, model = KINDS[kind]
    row = make(cast["gabriel"])
    assert row.review_state == ReviewState.SUBMITTED
    # only the secretariat reviews
    with pytest.raises(PermissionDenied):
        review([row], user=cast["gabriel"], approve=True)
    # returning needs a comment, and none is longer than the one limit
    with pytest.raises(ValidationError, match="Say why the submission is returned"):
        review([row], user=cast["sofia"], approve=False, comment="  ")
    with pytest.raises(ValidationError, match="the limit is 2000"):
        review(
            [row], user=cast["sofia"], approve=False, comment="x" * (REVIEW_COMMENT_MAX_LENGTH + 1)
        )
    row.refresh_from_db()
    assert row.review_state == ReviewState.SUBMITTED  # nothing was written
    assert not ChangeEvent.objects.filter(action=ChangeEvent.Action.RETURNED).exists()

    assert review([row], user=cast["sofia"], approve=False, comment="Say which office") == 1
    row.refresh_from_db()
    assert (row.review_state, row.reviewed_by, row.review_comment) == (
        ReviewState.RETURNED,
        cast["sofia"],
        "Say which office",
    )
    # one audit trail: the same action, naming the row reviewed
    returned = ChangeEvent.objects.get(action=ChangeEvent.Action.RETURNED)
    subject = returned.status_update_id if model is StatusUpdate else returned.indicator_value_id
    assert (subject, returned.comment, returned.user) == (row.pk, "Say which office", cast["sofia"])
    # one notification path: the author hears of it
    told = Notification.objects.get(recipient=cast["gabriel"])
    assert told.kind == (Kind.RETURNED if model is StatusUpdate else Kind.VALUE_RETURNED)
    assert told.data["comment"] == "Say which office"
    # a row no longer awaiting review is refused, named
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        review([row], user=cast["sofia"], approve=True)


def test_all_or_none_across_rows(cast):
    first = a_status(cast["gabriel"])
    other = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=ReportingPeriod.objects.get(code="2025"),
        status=2,
        narrative="Started",
        user=cast["gabriel"],
    )
    review_statuses(updates=[other], user=cast["sofia"], approve=True)
    with pytest.raises(ValidationError):
        review_statuses(updates=[first, other], user=cast["sofia"], approve=True)
    first.refresh_from_db()
    assert first.review_state == ReviewState.SUBMITTED


def test_an_approved_value_supersedes_the_slots_approved_value_in_the_trail(cast):
    first = a_value(cast["sofia"])  # the secretariat's: approved at once
    second = indicator_services.submit_indicator_value(
        indicator=first.indicator,
        country=first.country,
        value="70",
        user=cast["gabriel"],
        base_version=first.pk,
        period_start=first.period_start,
        period_end=first.period_end,
        source_document="IGM statistics",
        source_section="p. 4",
    )
    indicator_services.review_values(values=[second.pk], user=cast["sofia"], approve=True)
    first.refresh_from_db()
    assert first.review_state == ReviewState.SUPERSEDED
    superseded = ChangeEvent.objects.get(
        action=ChangeEvent.Action.SUPERSEDED, indicator_value=first
    )
    assert superseded.indicator_id == first.indicator_id
