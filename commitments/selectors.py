"""Reads shared by the API and the pages (selectors return plain data, never write)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q

from .models import (
    Commitment,
    FocusArea,
    NationalPlan,
    ReportingPeriod,
    ReviewState,
    StatedCount,
    StatusUpdate,
)


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
    return (
        ReportingPeriod.objects.filter(updates__isnull=False)
        .distinct()
        .order_by("-end_date", "-start_date")
        .first()
    )


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


def review_queue():
    """Submitted updates awaiting review, grouped by country (ordered for display)."""
    return (
        StatusUpdate.objects.pending()
        .select_related("commitment__country", "period", "created_by")
        .order_by("commitment__country__name_en", "commitment__order", "created_at")
    )
