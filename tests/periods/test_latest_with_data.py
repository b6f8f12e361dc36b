"""The dashboards' default period is the latest period with an *approved* status: a submitted
or returned status counts nothing in public, so it never makes its period the default."""

import pytest

from mirps.vocabulary import ReviewState
from reports import dashboard
from statuses.selectors import latest_period_with_data
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [ReviewState.SUBMITTED, ReviewState.RETURNED])
def test_a_pending_or_returned_status_does_not_make_its_period_the_default(state, client):
    b = CountryBuilder("AAA")
    c = b.commitment()
    report(c, "2023", 2)
    pending = report(c, "2024", 4)
    pending.review_state = state
    pending.save()
    period("2025")  # no status at all
    assert latest_period_with_data().code == "2023"
    ref = dashboard.reference()
    assert ref["latest"] == "2023"
    assert dashboard.selection({}, ref).period.code == "2023"
    # once approved, its period becomes the default
    pending.review_state = ReviewState.APPROVED
    pending.save()
    assert latest_period_with_data().code == "2024"


def test_the_latest_of_periods_ending_the_same_day_and_one_query(django_assert_num_queries):
    b = CountryBuilder("AAA")
    c = b.commitment()
    report(c, "2024", 2)
    report(c, "2024-H2", 3)
    with django_assert_num_queries(1):  # the periods with an approved row, newest first
        assert latest_period_with_data().code == "2024-H2"
