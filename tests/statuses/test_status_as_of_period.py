"""The one definition of "the status as of a period" (commitments/selectors.py): its set form
(one row per commitment, computed once) and its correlated form (``with_status``) agree, ties
included, and so do every reader built on them (engine, trend, services)."""

import datetime as dt

import pytest
from django.utils import timezone

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from reports import progress
from statuses.models import StatusUpdate
from statuses.selectors import (
    filter_by_status,
    newest_in_period,
    status_as_of,
    with_current_status,
    with_status,
    with_workspace_state,
)
from statuses.services import current_version
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def tricky():
    """One commitment per rule:

    * a: 2023 then 2024-H1 then 2024: the later period wins;
    * b: two rows in 2024 recorded at the same instant: the higher id wins;
    * c: 2024 (1 Jan-31 Dec) and 2024-H2 (1 Jul-31 Dec) end the same day: the later start wins;
    * d: an approved 2023 row, then a submitted and a returned 2024 row: they never count;
    * e: nothing at all.
    """
    b = CountryBuilder("AAA")
    a_, b_, c_, d_, _e = (b.commitment() for _ in range(5))
    report(a_, "2023", 1)
    report(a_, "2024-H1", 2)
    report(a_, "2024", 3)
    same = timezone.make_aware(dt.datetime(2024, 12, 1, 12, 0))
    first, second = report(b_, "2024", 5), report(b_, "2024", 4)
    StatusUpdate.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=same)
    report(c_, "2024-H2", 0)
    report(c_, "2024", 5)
    report(d_, "2023", 2)
    for state in (ReviewState.SUBMITTED, ReviewState.RETURNED):
        row = report(d_, "2024", 5)
        row.review_state = state
        row.save()
    return {"a": 3, "b": 4, "c": 0, "d": 2, "e": None}


@pytest.mark.parametrize("as_of", ["2023", "2024-H1", "2024", None])
def test_set_and_correlated_forms_agree(tricky, as_of):
    p = period(as_of) if as_of else None
    as_set = dict(status_as_of(p).values_list("commitment_id", "status"))
    rows = with_status(Commitment.objects, p).order_by("pk")
    correlated = {c.pk: c.current_status for c in rows if c.current_status is not None}
    assert as_set == correlated
    only_status = dict(
        with_current_status(Commitment.objects, p).values_list("pk", "current_status")
    )
    assert {k: v for k, v in only_status.items() if v is not None} == as_set
    # the engine counts the same statuses, and so does the trend's span for that period
    total = progress.compute(period=p).total
    assert total.reported == len(as_set) and total.status_sum == sum(as_set.values())
    if p is not None:
        assert progress.timeline().stats(p).as_dict() == total.as_dict()
        # and the dashboard's one-query form gives both at once
        counts, timeline = progress.numbers(p)
        assert counts == progress.tally(progress.ALL_DIMENSIONS, p)
        assert timeline == progress.timeline()


def test_the_rules_by_hand(tricky):
    shown = {c.code[-2:]: c.current_status for c in with_status(Commitment.objects, period("2024"))}
    assert list(shown.values()) == list(tricky.values())
    # the newest row *in* the period, whatever its state: the version an editor replaces
    d = Commitment.objects.order_by("pk")[3]
    newest = newest_in_period(period("2024"), commitments=[d]).get()
    assert newest.review_state == ReviewState.RETURNED
    assert current_version(d, period("2024")) == newest
    state = with_workspace_state(Commitment.objects, period("2024")).get(pk=d.pk)
    assert (state.version, state.latest_state, state.pending_status) == (
        newest.pk,
        "returned",
        None,
    )
    # filtering by status reads the same set
    at_0 = filter_by_status(Commitment.objects.all(), period("2024"), "0")
    assert [c.code[-2:] for c in at_0] == ["03"]
    unreported = filter_by_status(Commitment.objects.all(), period("2024"), "none")
    assert [c.code[-2:] for c in unreported] == ["05"]


def test_each_period_at_once_agrees_with_the_set_form(tricky):
    """``progress.as_of_each_period_sql`` (a window on PostgreSQL, index lookups on SQLite)
    gives, in one query, each commitment's status as of every period, as ``status_as_of`` does
    one period at a time; ``updated`` is an approved row in that period itself."""
    from django.db import connection

    periods = [period(code) for code in ("2023", "2024-H1", "2024", "2024-H2")]
    sql, params = progress.as_of_each_period_sql(
        periods, Commitment.objects.order_by(), False, updated=True
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    # one row per commitment with an approved row (a, b, c, d), none for e
    assert len(rows) == 4
    for i, p in enumerate(periods):
        expected = dict(status_as_of(p).values_list("commitment_id", "status"))
        assert {pk: r[i] for pk, r in rows.items() if r[i] is not None} == expected, p.code
        in_p = set(
            StatusUpdate.objects.counted().filter(period=p).values_list("commitment_id", flat=True)
        )
        assert {pk for pk, r in rows.items() if r[len(periods) + i]} == in_p, p.code
