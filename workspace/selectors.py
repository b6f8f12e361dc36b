"""Reads for the workspace pages: lists and the country matrix."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod, chronological
from statuses.models import StatusUpdate
from statuses.selectors import with_carried, with_workspace_state


def workspace_list(filters: dict, period: ReportingPeriod | None, user=None):
    """Commitments for the workspace list, filtered and sorted, with their approved status as of
    ``period`` (latest if None) and ``has_pending``/``has_returned`` flags (in ``period``, or in
    any period when None) where ``user`` may see them (``StatusUpdate.objects.visible_to``).
    The status shown, filtered, sorted and counted is the one the figures count
    (``with_carried``'s ``shown_status``: its own, else the one it carries from the commitment
    it continues, with ``carried_from``). Only the commitments ``period`` counts: those of the
    edition in force at its end (today when None; ``Commitment.objects.in_force``, a subquery
    of the same query). One query for the page, plus one for the counts (``list_counts``)."""
    updates = StatusUpdate.objects.visible_to(user).filter(commitment=OuterRef("pk"))
    if period is not None:
        updates = updates.filter(period=period)
    in_force = Commitment.objects.in_force(period.end_date if period else timezone.localdate())
    queryset = with_carried(
        in_force.select_related("country", "focus_area", "pillar"), period
    ).annotate(
        has_pending=Exists(updates.filter(review_state=ReviewState.SUBMITTED)),
        has_returned=Exists(updates.filter(review_state=ReviewState.RETURNED)),
    )
    if filters.get("country"):
        queryset = queryset.filter(country=filters["country"])
    if filters.get("pillar"):
        queryset = queryset.filter(pillar=filters["pillar"])
    if filters.get("focus_area"):
        queryset = queryset.filter(focus_area=filters["focus_area"])
    status = filters.get("status")
    if status == "none":
        queryset = queryset.filter(shown_status__isnull=True)
    elif status not in (None, ""):
        queryset = queryset.filter(shown_status=int(status))
    if filters.get("review") == "pending":
        queryset = queryset.filter(has_pending=True)
    elif filters.get("review") == ReviewState.RETURNED:
        queryset = queryset.filter(has_returned=True)
    queryset = queryset.search(filters.get("q", ""))
    order = {
        "country": ["country__iso3", "order"],
        "pillar": ["pillar__number", "country__iso3", "order"],
        "status": [F("shown_status").asc(nulls_first=True), "country__iso3", "order"],
        "-status": [F("shown_status").desc(nulls_last=True), "country__iso3", "order"],
    }.get(filters.get("sort") or "", ["country__iso3", "focus_area__order", "order"])
    return queryset.order_by(*order)


def list_counts(queryset) -> dict:
    """How many commitments the list holds, how many are reported (a status counted: its own
    or carried) and awaiting review."""
    return queryset.order_by().aggregate(
        total=Count("pk"),
        reported=Count("pk", filter=Q(shown_status__isnull=False)),
        pending=Count("pk", filter=Q(has_pending=True)),
    )


@dataclass
class MatrixCell:
    period: ReportingPeriod
    status: int | None  # reported in this period (newest row), else None
    state: str | None
    carried: int | None  # approved status as of this period when nothing was reported in it
    # the code of the commitment of the previous edition ``carried`` comes from (issue 22), if
    # it is not this commitment's own
    carried_from: str | None = None


@dataclass
class MatrixRow:
    commitment: Commitment
    cells: list[MatrixCell]


def country_matrix(
    country, periods: list[ReportingPeriod], edit_period: ReportingPeriod, user=None
):
    """One country's commitments (rows) against periods (columns), as the paper matrix reads:
    those of the edition in force at ``edit_period``'s end (``Commitment.objects.in_force``).

    A commitment that continues one of the previous edition and has no status of its own as of
    ``edit_period`` shows the status it carries (``with_carried``: ``carried_status``,
    ``carried_from``) in ``edit_period``'s cell when that cell is otherwise empty.

    Two queries: the commitments (with their workspace state for ``edit_period`` and the
    status they carry, in the same query) and every
    status row of the country that ``user`` may see (approved, and pending for the secretariat
    and the country's own team), placed in cells in Python.
    """
    commitments = list(
        with_workspace_state(
            with_carried(
                Commitment.objects.in_force(edit_period.end_date)
                .filter(country=country)
                .select_related("focus_area", "pillar"),
                edit_period,
            ),
            edit_period,
        ).order_by("focus_area__order", "order")
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
    ordered = chronological(periods)
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
            if period == edit_period and row is None and carried is None:
                cells[-1].carried_from = commitment.carried_from
                cells[-1].carried = commitment.carried_status
            if approved_here is not None:
                carried = approved_here
        result.append(MatrixRow(commitment=commitment, cells=cells))
    return result
