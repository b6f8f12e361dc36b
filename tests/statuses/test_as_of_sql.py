"""The SQL form of "the status as of a period" (statuses/as_of.py, what the progress engine's
queries are built from) gives the answer of its ORM form (statuses/selectors.py) on varied data:
several statuses per commitment and per period, submitted and returned rows, rows after the
period's end, periods ending the same day, and every period in turn (both backends)."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from statuses.as_of import as_of_each_period_sql, periods_up_to, status_as_of_sql
from statuses.models import StatusUpdate
from statuses.selectors import status_as_of
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db

CODES = ["2022", "2023", "2024-H1", "2024", "2024-H2", "2025-H1", "2025"]
STATES = [ReviewState.APPROVED] * 5 + [
    ReviewState.SUBMITTED,
    ReviewState.RETURNED,
    ReviewState.SUPERSEDED,
]


@pytest.fixture
def varied():
    """40 commitments in two countries, 0-6 rows each in random periods, states and instants
    (some at the same instant), seeded: the same data every run."""
    rng = random.Random(20)
    periods = [period(code) for code in CODES]
    builders = [CountryBuilder("GTM"), CountryBuilder("HND")]
    base = timezone.make_aware(dt.datetime(2024, 1, 1, 12, 0))
    for i in range(40):
        c = builders[i % 2].commitment(["PRO", "JOB"][i % 2], i % 4 + 1)
        for _ in range(rng.randrange(0, 7)):
            row = report(c, rng.choice(periods).code, rng.randrange(0, 6))
            state = rng.choice(STATES)
            instant = base + dt.timedelta(hours=rng.randrange(0, 4))  # ties on purpose
            StatusUpdate.objects.filter(pk=row.pk).update(review_state=state, created_at=instant)
    return periods


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _expected(p, commitments=None):
    return dict(status_as_of(p, commitments=commitments).values_list("commitment_id", "status"))


def _in_period(p):
    rows = StatusUpdate.objects.counted().filter(period=p)
    return set(rows.values_list("commitment_id", flat=True))


@pytest.mark.parametrize("code", [*CODES, None])
def test_status_as_of_sql_gives_the_selectors_answer(varied, code):
    p = period(code) if code else None
    rows = _rows(*status_as_of_sql(p, keys=["country_id"]))
    assert len(rows) == Commitment.objects.count()  # one row per commitment, reported or not
    found = {pk: status for pk, _country, status, _updated in rows if status is not None}
    assert found == _expected(p)
    updated = {pk for pk, _country, _status, fresh in rows if fresh}
    assert updated == (_in_period(p) if p else set())
    assert all(fresh is None for *_rest, fresh in rows) == (p is None)


@pytest.mark.parametrize("code", ["2023", "2024", "2024-H2"])
def test_restricted_to_some_commitments(varied, code):
    p = period(code)
    gtm = Commitment.objects.filter(country__iso3="GTM")
    rows = _rows(*status_as_of_sql(p, gtm, order=periods_up_to(p)))
    assert {pk for pk, *_ in rows} == set(gtm.values_list("pk", flat=True))
    found = {pk: status for pk, status, _updated in rows if status is not None}
    assert found == _expected(p, gtm)


def test_each_period_at_once_gives_the_selectors_answer(varied):
    periods = list(ReportingPeriod.objects.all())
    sql, params = as_of_each_period_sql(
        periods, Commitment.objects.order_by(), False, updated=True, keys=[]
    )
    rows = {row[0]: row[1:] for row in _rows(sql, params)}
    assert len(rows) == Commitment.objects.count()
    n = len(periods)
    for i, p in enumerate(periods):
        assert {pk: r[i] for pk, r in rows.items() if r[i] is not None} == _expected(p), p.code
        assert {pk for pk, r in rows.items() if r[n + i]} == _in_period(p), p.code


def test_no_period_ended_yet():
    """A period before any other: nothing is reported as of it, whatever is recorded later."""
    c = CountryBuilder("GTM").commitment()
    report(c, "2024", 3)
    early = ReportingPeriod.objects.create(
        code="2019", kind="annual", start_date=dt.date(2019, 1, 1), end_date=dt.date(2019, 12, 31)
    )
    rows = _rows(*status_as_of_sql(early))
    assert rows == [(c.pk, None, 0)]
