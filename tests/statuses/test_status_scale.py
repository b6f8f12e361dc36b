"""The status scale, its constraints, and "status as of period" semantics."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from commitments.models import Commitment
from mirps.vocabulary import Route
from statuses.models import Status, StatusUpdate
from statuses.selectors import with_status
from statuses.services import record_status
from tests.builders import CountryBuilder, period, report, secretariat

pytestmark = pytest.mark.django_db


def test_scale_has_six_labelled_levels_with_percent_and_colour():
    assert [int(s) for s in Status] == [0, 1, 2, 3, 4, 5]
    assert [s.percent for s in Status] == [0, 20, 40, 60, 80, 100]
    with translation.override("en"):
        assert Status.COMPLETED.label == "Completed"
        assert Status.NOT_STARTED.colour_name == "red"
    with translation.override("es"):
        assert Status.COMPLETED.label == "Completado"
    assert len({s.colour for s in Status}) == 6


@pytest.mark.parametrize("bad", [6, 9])
def test_database_refuses_a_status_out_of_range(bad):
    c = CountryBuilder("GTM").commitment()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(
            commitment=c, period=period("2024"), status=bad, source=Route.WEB
        )


def test_database_refuses_an_unknown_source():
    c = CountryBuilder("GTM").commitment()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(commitment=c, period=period("2024"), status=1, source="fax")


def test_record_status_refuses_out_of_range_before_writing():
    c = CountryBuilder("GTM").commitment()
    with pytest.raises(ValidationError):
        record_status(commitment=c, period=period("2024"), status=7, user=secretariat())
    assert StatusUpdate.objects.count() == 0


def _status(code, period_code=None):
    p = period(period_code) if period_code else None
    return with_status(Commitment.objects, p).get(code=code)


def test_no_report_is_not_reported_not_zero():
    c = CountryBuilder("GTM").commitment()
    assert _status(c.code, "2024").current_status is None
    report(c, "2024", 0)
    assert _status(c.code, "2024").current_status == 0


def test_status_as_of_a_period_is_the_latest_in_it_or_before():
    c = CountryBuilder("GTM").commitment()
    report(c, "2021", 1)
    report(c, "2023", 3)
    assert _status(c.code, "2021").current_status == 1
    assert _status(c.code, "2022").current_status == 1  # nothing in 2022: 2021 carries over
    assert _status(c.code, "2023").current_status == 3
    assert _status(c.code, "2025").current_status == 3
    assert _status(c.code).current_status == 3  # no period: the latest
    assert _status(c.code, "2022").current_period == "2021"


def test_status_reported_later_does_not_leak_into_an_earlier_period():
    c = CountryBuilder("GTM").commitment()
    report(c, "2024", 4)
    assert _status(c.code, "2023").current_status is None


def test_mid_year_period_counts_before_the_annual_one_of_the_same_year():
    c = CountryBuilder("GTM").commitment()
    report(c, "2024", 4)  # recorded first...
    report(c, "2024-H1", 2)  # ...but the mid-year period ends earlier
    assert _status(c.code, "2024-H1").current_status == 2
    assert _status(c.code, "2024").current_status == 4


def test_a_correction_in_the_same_period_wins_and_history_is_kept():
    c = CountryBuilder("GTM").commitment()
    report(c, "2024", 2)
    report(c, "2024", 3)
    assert _status(c.code, "2024").current_status == 3
    assert StatusUpdate.objects.filter(commitment=c).count() == 2
