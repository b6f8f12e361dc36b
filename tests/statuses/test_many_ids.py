"""Long lists of ids bound as one parameter (``mirps.sql.IdList``): the same rows as the
ORM's own list of placeholders, in one query, and the commitment locks without instances."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from commitments.locking import lock_commitments
from commitments.models import Commitment
from mirps.sql import MANY_IDS, IdList, ids_in
from statuses.selectors import newest_in_period, status_as_of
from tests.builders import CountryBuilder, period, report

pytestmark = pytest.mark.django_db


def test_many_ids_are_one_parameter_and_find_the_same_rows():
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(MANY_IDS + 5)]
    for i, c in enumerate(commitments[::3]):
        report(c, "2025", i % 6)
    ids = [c.pk for c in commitments] + [10**9]  # an id of nothing finds nothing
    assert isinstance(ids_in(ids), IdList) and ids_in(ids[:3]) == ids[:3]
    chosen = Commitment.objects.filter(pk__in=IdList(ids)).values_list("pk", flat=True)
    _sql, params = chosen.query.sql_with_params()
    assert len(params) == 1  # the whole list, one value
    assert set(chosen) == {c.pk for c in commitments}
    # the selectors restrict by the list: the same newest rows as by a queryset of them
    p = period("2025")
    by_ids = {u.commitment_id: u.pk for u in newest_in_period(p, commitments=ids)}
    by_queryset = {
        u.commitment_id: u.pk
        for u in newest_in_period(p, commitments=Commitment.objects.filter(pk__in=ids[:-1]))
    }
    assert by_ids == by_queryset and len(by_ids) == len(commitments[::3])
    shown = dict(status_as_of(p, commitments=ids).values_list("commitment_id", "status"))
    assert shown == {c.pk: i % 6 for i, c in enumerate(commitments[::3])}


def test_the_locks_make_instances_only_when_asked():
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(MANY_IDS + 1)]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = lock_commitments(c.pk for c in reversed(commitments))
    assert len(queries) == 1  # SELECT … FOR UPDATE of the commitments (a plain read on SQLite)
    assert list(locked) == sorted(c.pk for c in commitments) and len(locked) == len(commitments)
    first = locked[commitments[0].pk]
    assert isinstance(first, Commitment) and locked[commitments[0].pk] is first
    assert (first.code, first.country_id) == (commitments[0].code, builder.country.pk)
    assert first.get_deferred_fields() >= {"text", "plan_id"}
