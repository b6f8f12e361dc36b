"""Reads shared by the API and the pages (selectors return plain data, never write)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from .models import Commitment, FocusArea, NationalPlan, ReportingPeriod, StatedCount


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
