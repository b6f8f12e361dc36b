"""Row locks, always taken in one order, so that no two writes can wait on each other.

Every service that writes statuses or reviews them, and every service that changes a period,
takes its locks in this order, each kind in ascending id, and never goes back to an earlier
kind in the same transaction:

0. **a spreadsheet upload** (``FOR UPDATE``), when one is applied: the same upload applied
   twice at once is applied once.
1. **reporting periods**: *shared* (``FOR SHARE``) by every status write and every review, so
   writes in the same period run side by side; *exclusive* (``FOR UPDATE``) by whatever changes
   the period itself (lock, unlock, dates). A lock therefore waits for the writes in flight and
   every write that starts after it sees the period locked: nothing lands after a lock.
2. **commitments** (``FOR UPDATE``): one writer or reviewer per commitment at a time, so the
   optimistic-concurrency check (``base_version``) and the write are one step.
3. **status updates** (``FOR NO KEY UPDATE``): a review, or a submission being superseded.

Only ``self`` is locked: a ``FOR UPDATE`` over a join would also lock the joined rows (a
country, a period) in whatever order the plan reads them, which is how the review and a
resubmission deadlocked. SQLite has no row locks and serialises writers itself; these are
plain reads there.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from periods.models import ReportingPeriod


def share_periods(ids: Iterable[int]) -> dict[int, ReportingPeriod]:
    """Step 1 for writes and reviews: the periods, read under a shared lock (fresh values)."""
    queryset = ReportingPeriod.objects.filter(pk__in=set(ids)).order_by("pk")
    if connection.vendor != "postgresql":
        return {p.pk: p for p in queryset}
    # Django's select_for_update() knows FOR UPDATE only; FOR SHARE lets writers share.
    sql, params = queryset.query.sql_with_params()
    return {p.pk: p for p in ReportingPeriod.objects.raw(f"{sql} FOR SHARE", params)}


def share_period(period: ReportingPeriod) -> ReportingPeriod:
    return share_periods([period.pk])[period.pk]


def lock_period(period: ReportingPeriod) -> ReportingPeriod:
    """Step 1 for changing a period: exclusive, after every write in flight in it."""
    return ReportingPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)
