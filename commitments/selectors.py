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

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils import timezone

from commitments.models import Commitment, FocusArea, NationalPlan, StatedCount

# --- The status as of a period: the one definition ----------------------------------------


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
    # the edition's span: the day before the country's next edition starts (None: in force
    # until another is loaded), and whether it is the one in force today
    ends_on: datetime.date | None = None
    in_force: bool = False

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
    spans = edition_spans(plans)
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
                ends_on=spans[plan.pk][0],
                in_force=spans[plan.pk][1],
            )
        )
    return result


def edition_spans(plans, today: datetime.date | None = None) -> dict:
    """For each plan of ``plans`` (a list holding every edition of its countries): the last
    day it is in force (the day before its country's next edition starts; None for the
    newest) and whether it is in force ``today``. No query."""
    today = today or timezone.localdate()
    by_country: dict[int, list] = {}
    for plan in plans:
        by_country.setdefault(plan.country_id, []).append(plan)
    spans = {}
    for editions in by_country.values():
        editions.sort(key=lambda p: p.starts_on)
        for plan, following in zip(editions, [*editions[1:], None], strict=True):
            ends = following.starts_on - datetime.timedelta(days=1) if following else None
            spans[plan.pk] = (ends, plan.starts_on <= today and (ends is None or today <= ends))
    return spans


# --- Plan editions by period (issue 22) ---------------------------------------------------


def editions_by_period(periods, plans=None) -> dict[str, dict[int, NationalPlan]]:
    """For each period (by code), the edition in force in each country at the period's end
    (``NationalPlan.objects.in_force(period.end_date)``, for many periods at once): what the
    period counts. One query (the plans with their countries), none when ``plans`` is given."""
    plans = list(
        NationalPlan.objects.select_related("country").order_by("starts_on")
        if plans is None
        else sorted(plans, key=lambda p: p.starts_on)
    )
    result = {}
    for period in periods:
        in_force: dict[int, NationalPlan] = {}
        for plan in plans:  # oldest first: a later edition that has started replaces it
            if plan.starts_on <= period.end_date:
                in_force[plan.country_id] = plan
        result[period.code] = in_force
    return result


@dataclass
class EditionChange:
    """Between two consecutive periods, a country's edition changed: the trend marks it."""

    period: str  # the first period that counts the new edition
    country: str  # ISO3
    before: str | None  # the edition counted by the previous period (None: none)
    after: str


def edition_changes(periods, plans=None) -> list[EditionChange]:
    """Where an edition changed along ``periods`` (in the order given, oldest first): one row
    per period and country whose edition in force differs from the previous period's. One
    query, none when ``plans`` is given."""
    by_period = editions_by_period(periods, plans)
    changes, before = [], None
    for period in periods:
        now = by_period[period.code]
        if before is not None:
            for country_id, plan in now.items():
                old = before.get(country_id)
                if old is None or old.pk != plan.pk:
                    changes.append(
                        EditionChange(
                            period.code,
                            plan.country.iso3,
                            old.edition if old else None,
                            plan.edition,
                        )
                    )
        before = now
    return changes


@dataclass(frozen=True)
class OutOfForce:
    """Why a commitment is not of the edition in force on a day: its edition (``edition``, in
    force from ``starts_on``) had not started yet (``replaced_by`` None), or the next edition
    of its country (``replaced_by``, from ``replaced_on``) had replaced it by then."""

    code: str
    edition: str
    starts_on: datetime.date
    replaced_by: str | None
    replaced_on: datetime.date | None


def out_of_force(commitment_ids, on: datetime.date) -> dict[int, OutOfForce]:
    """Of the commitments ``commitment_ids``, those not in force on ``on``
    (``Commitment.objects.in_force``), each with why (``OutOfForce``). One query."""
    replacing = NationalPlan.objects.filter(
        country=OuterRef("plan__country"),
        starts_on__gt=OuterRef("plan__starts_on"),
        starts_on__lte=on,
    ).order_by("starts_on")
    rows = (
        Commitment.objects.filter(pk__in=list(commitment_ids))
        .not_in_force(on)
        .annotate(
            replaced_by=Subquery(replacing.values("edition")[:1]),
            replaced_on=Subquery(replacing.values("starts_on")[:1]),
        )
        .values_list("pk", "code", "plan__edition", "plan__starts_on", "replaced_by", "replaced_on")
    )
    return {pk: OutOfForce(*reason) for pk, *reason in rows}


def why_out_of_force(commitment: Commitment, next_edition, on: datetime.date) -> OutOfForce | None:
    """Why ``commitment`` is not in force on ``on`` (None when it is), for one commitment
    whose plan and next edition were read already (``editions.lineage_of``'s
    ``next_edition``): ``out_of_force``'s answer without a query."""
    plan = commitment.plan
    if plan.starts_on > on:
        return OutOfForce(commitment.code, plan.edition, plan.starts_on, None, None)
    if next_edition is not None and next_edition.starts_on <= on:
        return OutOfForce(
            commitment.code, plan.edition, plan.starts_on, next_edition.edition,
            next_edition.starts_on,
        )  # fmt: skip
    return None
