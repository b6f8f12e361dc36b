"""Reads shared by the API and the pages (selectors return plain data, never write).

**The status of a commitment as of a period** is defined here, once: its newest *approved*
row reported in the period or in any period that ended no later (``StatusUpdate.objects
.counted().as_of(period)``), newest by ``StatusUpdate.LATEST_FIRST`` (period end, period start,
recording time, id). "Latest per commitment and period" (the row an editor replaces, whatever
its review state) is the same ordering within one period. Every reader goes through the
functions below, in one of two shapes computed from that one definition:

* **a set** (``newest``, ``status_as_of``, ``newest_in_period``, ``newest_approved_per_period``):
  one row per commitment (or per commitment and period), computed once per query for all of
  them: ``DISTINCT ON`` on PostgreSQL, ``ROW_NUMBER()`` over a window on SQLite; what the
  progress engine, trend, movement and the write services read;
* **a correlated subquery** (``newest_subquery``, ``newest_approved_in``): the newest row for
  the commitment of the outer row, for annotating a page of commitments
  (``Commitment.objects.with_status``), where probing the index for 50 commitments beats
  computing the set for 100,000; and on SQLite for every commitment, which looks each one up
  in the index faster than it ranks a million rows over a window (``reports.progress``,
  measured in docs/benchmarks.md).

``tests/commitments/test_status_selectors.py`` checks the two shapes agree, ties included. The
partial index ``status_update_approved_newest`` (approved rows by commitment, period, recording
time and id, with the status) serves both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import (
    Commitment,
    FocusArea,
    NationalPlan,
    ReportingPeriod,
    ReviewState,
    StatedCount,
    StatusUpdate,
)

# --- The status as of a period: the one definition ----------------------------------------


def _latest_first(per: list[str]) -> list[str]:
    """``StatusUpdate.LATEST_FIRST`` within groups of ``per``: inside one period its end and
    start are the same for every row, so ordering by them would only add a join."""
    within_period = "period_id" in per
    return [
        name
        for name in StatusUpdate.LATEST_FIRST
        if not (within_period and name.lstrip("-").startswith("period__"))
    ]


def _restrict(updates: QuerySet, commitments) -> QuerySet:
    """``updates`` of ``commitments`` only (a Commitment queryset, or ids / instances)."""
    if commitments is None:
        return updates
    if isinstance(commitments, QuerySet):
        return updates.filter(commitment__in=commitments.order_by().values("pk"))
    ids = [getattr(c, "pk", c) for c in commitments]
    return updates.filter(commitment_id__in=ids)


def newest(updates: QuerySet, per: Iterable[str] = ("commitment_id",)) -> QuerySet:
    """The newest of ``updates`` (by ``StatusUpdate.LATEST_FIRST``) for each value of ``per``.

    A StatusUpdate queryset with one row per group, computed in one pass: ``DISTINCT ON (per)``
    on PostgreSQL; ``ROW_NUMBER() OVER (PARTITION BY per ...) = 1`` elsewhere (SQLite), which
    Django wraps in a subquery. Filter ``updates`` before, not after: a later ``filter()``
    would choose among the matching rows; ``values()`` picks columns of the chosen rows.
    """
    per = list(per)
    order = _latest_first(per)
    if connections[updates.db].vendor == "postgresql":
        return updates.order_by(*per, *order).distinct(*per)
    by = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in order]
    ranked = updates.annotate(
        _newest=Window(RowNumber(), partition_by=[F(p) for p in per], order_by=by)
    )
    return ranked.filter(_newest=1).order_by()


def status_as_of(period: ReportingPeriod | None, *, commitments=None) -> QuerySet:
    """Each commitment's status as of ``period`` (latest if None): its newest approved row in
    ``period`` or before. One StatusUpdate per commitment that has one; ``commitments`` (a
    queryset or ids) limits the work to those."""
    return newest(_restrict(StatusUpdate.objects.counted().as_of(period), commitments))


def newest_in_period(period: ReportingPeriod, *, commitments=None) -> QuerySet:
    """Each commitment's newest row *in* ``period``, whatever its review state: the row a new
    status replaces (its id is the version an editor saw). One StatusUpdate per commitment."""
    return newest(_restrict(StatusUpdate.objects.filter(period=period), commitments))


def newest_approved_per_period(*, periods=None, commitments=None) -> QuerySet:
    """Each commitment's newest approved row in each period (one per commitment and period
    that has one), in index order. The status as of a period P is the one of these rows in the
    latest period (by end, then start) that ended by P's end: ``reports.progress`` takes it for
    every period at once (``as_of_each_period_sql``). ``periods`` limits the periods read."""
    updates = _restrict(StatusUpdate.objects.counted(), commitments)
    if periods is not None:
        updates = updates.filter(period_id__in=[p.pk for p in periods])
    return newest(updates, per=("commitment_id", "period_id"))


def filter_by_status(commitments: QuerySet, period: ReportingPeriod | None, status) -> QuerySet:
    """``commitments`` whose status as of ``period`` is ``status``: a level (0-5, as a number or
    text), ``"reported"`` (any level) or ``"not_reported"``/``"none"`` (none); ``None`` or ``""``
    keeps them all. The statuses are computed once, as a set, for these commitments only (on
    SQLite, looked up one by one)."""
    if status in (None, ""):
        return commitments
    if connections[commitments.db].vendor == "sqlite":
        # SQLite looks each commitment's newest row up faster than it ranks every row
        statused = commitments.with_current_status(period)
        if status in ("not_reported", "none"):
            return statused.filter(current_status__isnull=True)
        if status == "reported":
            return statused.filter(current_status__isnull=False)
        return statused.filter(current_status=int(status))
    chosen = status_as_of(period, commitments=commitments)
    if status in ("not_reported", "none"):
        return commitments.exclude(pk__in=chosen.values("commitment_id"))
    if status == "reported":
        return commitments.filter(pk__in=chosen.values("commitment_id"))
    # the chosen rows at that level (filtering the set itself would choose among those rows)
    at_level = StatusUpdate.objects.filter(pk__in=chosen.values("id"), status=int(status))
    return commitments.filter(pk__in=at_level.values("commitment_id"))


def newest_subquery(
    period: ReportingPeriod | None, *, in_period: bool = False, outer: str = "pk"
) -> QuerySet:
    """The correlated form, for annotations: the newest row for the commitment ``OuterRef(outer)``,
    ordered newest first (slice ``[:1]``). Approved rows as of ``period``, or with
    ``in_period`` every row in ``period`` whatever its review state."""
    if in_period:
        updates = StatusUpdate.objects.filter(period=period)
    else:
        updates = StatusUpdate.objects.counted().as_of(period)
    return updates.filter(commitment=OuterRef(outer)).order_by(*StatusUpdate.LATEST_FIRST)


def newest_approved_in(period: ReportingPeriod, *, outer: str = "pk") -> QuerySet:
    """The correlated form of ``newest_approved_per_period`` for one period: the newest approved
    row *in* ``period`` for the commitment ``OuterRef(outer)``, newest first (slice ``[:1]``)."""
    updates = StatusUpdate.objects.counted().filter(period=period, commitment=OuterRef(outer))
    return updates.order_by(*_latest_first(["period_id"]))


@dataclass
class AreaCount:
    focus_area: str
    stated: int | None
    loaded: int

    @property
    def matches(self) -> bool:
        return self.stated == self.loaded


@dataclass
class PlanQuality:
    plan: NationalPlan
    stated_total: int | None
    loaded_total: int
    by_focus_area: list[AreaCount]

    @property
    def matches(self) -> bool:
        return self.stated_total == self.loaded_total and all(a.matches for a in self.by_focus_area)


def data_quality(plans=None) -> list[PlanQuality]:
    """For every plan: the stated commitment counts beside the loaded ones, per focus area.

    Three queries whatever the number of plans: plans (with country), their stated counts, and
    the loaded counts grouped by plan and focus area.
    """
    stated = Prefetch("stated_counts", queryset=StatedCount.objects.select_related("focus_area"))
    plans = list(
        (plans or NationalPlan.objects.all()).select_related("country").prefetch_related(stated)
    )
    loaded: dict[tuple[int, str], int] = {}
    rows = (
        Commitment.objects.filter(plan__in=plans)
        .order_by()
        .values("plan_id", "focus_area__code")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        loaded[(row["plan_id"], row["focus_area__code"])] = row["n"]
    codes = [code for code, _label in FocusArea._meta.get_field("code").choices]
    result = []
    for plan in plans:
        stated = {s.focus_area.code: s.stated for s in plan.stated_counts.all()}
        areas = [
            AreaCount(code, stated.get(code), loaded.get((plan.pk, code), 0))
            for code in codes
            if code in stated or (plan.pk, code) in loaded
        ]
        result.append(
            PlanQuality(
                plan=plan,
                stated_total=plan.stated_total,
                loaded_total=sum(a.loaded for a in areas),
                by_focus_area=areas,
            )
        )
    return result


def latest_period_with_data() -> ReportingPeriod | None:
    """The most recent period in which any status was reported (the pages' default)."""
    # EXISTS per period (an index probe each), not a join with every status row
    has_rows = Exists(StatusUpdate.objects.filter(period=OuterRef("pk")))
    return ReportingPeriod.objects.filter(has_rows).order_by("-end_date", "-start_date").first()


def workspace_list(filters: dict, period: ReportingPeriod | None, user=None):
    """Commitments for the workspace list, filtered and sorted, with their approved status as of
    ``period`` (latest if None) and ``has_pending``/``has_returned`` flags (in ``period``, or in
    any period when None) where ``user`` may see them (``StatusUpdate.objects.visible_to``).
    One query for the page, plus one for the counts (``list_counts``)."""
    updates = StatusUpdate.objects.visible_to(user).filter(commitment=OuterRef("pk"))
    if period is not None:
        updates = updates.filter(period=period)
    queryset = (
        Commitment.objects.select_related("country", "focus_area", "pillar")
        .with_status(period)
        .annotate(
            has_pending=Exists(updates.filter(review_state=ReviewState.SUBMITTED)),
            has_returned=Exists(updates.filter(review_state=ReviewState.RETURNED)),
        )
    )
    if filters.get("country"):
        queryset = queryset.filter(country=filters["country"])
    if filters.get("pillar"):
        queryset = queryset.filter(pillar=filters["pillar"])
    if filters.get("focus_area"):
        queryset = queryset.filter(focus_area=filters["focus_area"])
    status = filters.get("status")
    if status == "none":
        queryset = queryset.filter(current_status__isnull=True)
    elif status not in (None, ""):
        queryset = queryset.filter(current_status=int(status))
    if filters.get("review") == "pending":
        queryset = queryset.filter(has_pending=True)
    elif filters.get("review") == ReviewState.RETURNED:
        queryset = queryset.filter(has_returned=True)
    queryset = queryset.search(filters.get("q", ""))
    order = {
        "country": ["country__iso3", "order"],
        "pillar": ["pillar__number", "country__iso3", "order"],
        "status": [F("current_status").asc(nulls_first=True), "country__iso3", "order"],
        "-status": [F("current_status").desc(nulls_last=True), "country__iso3", "order"],
    }.get(filters.get("sort") or "", ["country__iso3", "focus_area__order", "order"])
    return queryset.order_by(*order)


def list_counts(queryset) -> dict:
    """How many commitments the list holds, how many are reported and awaiting review."""
    return queryset.order_by().aggregate(
        total=Count("pk"),
        reported=Count("pk", filter=Q(current_status__isnull=False)),
        pending=Count("pk", filter=Q(has_pending=True)),
    )


@dataclass
class MatrixCell:
    period: ReportingPeriod
    status: int | None  # reported in this period (newest row), else None
    state: str | None
    carried: int | None  # approved status as of this period when nothing was reported in it


@dataclass
class MatrixRow:
    commitment: Commitment
    cells: list[MatrixCell]


def country_matrix(
    country, periods: list[ReportingPeriod], edit_period: ReportingPeriod, user=None
):
    """One country's commitments (rows) against periods (columns), as the paper matrix reads.

    Two queries: the commitments (with their workspace state for ``edit_period``) and every
    status row of the country that ``user`` may see (approved, and pending for the secretariat
    and the country's own team), placed in cells in Python.
    """
    commitments = list(
        Commitment.objects.filter(country=country)
        .select_related("focus_area", "pillar")
        .with_status(edit_period)
        .with_workspace_state(edit_period)
        .order_by("focus_area__order", "order")
    )
    rows = (
        StatusUpdate.objects.visible_to(user)
        .filter(commitment__country=country)
        .exclude(review_state__in=[ReviewState.SUPERSEDED])
        .order_by("created_at", "id")
        .values("commitment_id", "period_id", "status", "review_state")
    )
    newest: dict[tuple[int, int], dict] = {}
    for row in rows:
        newest[(row["commitment_id"], row["period_id"])] = row
    ordered = sorted(periods, key=lambda p: (p.end_date, p.start_date))
    result = []
    for commitment in commitments:
        cells = []
        carried = None
        for period in ordered:
            row = newest.get((commitment.pk, period.pk))
            approved_here = None
            if row is not None and row["review_state"] == ReviewState.APPROVED:
                approved_here = row["status"]
            cells.append(
                MatrixCell(
                    period=period,
                    status=row["status"] if row else None,
                    state=row["review_state"] if row else None,
                    carried=None if row else carried,
                )
            )
            if approved_here is not None:
                carried = approved_here
        result.append(MatrixRow(commitment=commitment, cells=cells))
    return result


def review_queue(*, country=None, period=None, focus_area=None):
    """Submitted updates awaiting review, of one country, period and focus area when given,
    ordered for display by country (the page groups them), plan order, then submission."""
    queue = StatusUpdate.objects.pending()
    if country is not None:
        queue = queue.filter(commitment__country=country)
    if period is not None:
        queue = queue.filter(period=period)
    if focus_area is not None:
        queue = queue.filter(commitment__focus_area=focus_area)
    return queue.select_related("commitment__country", "period", "created_by").order_by(
        "commitment__country__name_en", "commitment__order", "created_at", "id"
    )
