"""The reporting tracker: who has reported what in a period (reads only, never writes).

For each commitment, what counts in a period P is its **newest row in P** (superseded
submissions aside): approved, waiting for review (submitted) or returned; none means nothing
was sent in P. From that, per country:

* ``updated``: the newest row is approved or waiting (a status stands or awaits review);
* ``submitted``: anything was sent in P, whatever came of it (approved + waiting + returned);
* ``returned``: the newest row was returned to the team (it needs their action again);
* ``not_updated``: commitments - updated (returned ones included: they still need a status);
* ``late``: the newest row was recorded after the submission deadline;
* ``indicators_waiting``: the country's indicator values waiting for review (whatever period
  their figures cover: they wait in the review queue all the same).

Everything is counted in the database (two queries per call, whatever the data size; the
tests pin it). Stale statuses (``stale_period_codes``) are the ones older than the period
before P, as the domain defines them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from commitments.models import Commitment
from countries.models import Country
from indicators.models import IndicatorValue
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod, chronological, previous_among
from statuses.models import StatusUpdate
from statuses.selectors import newest_subquery


def with_period_state(queryset: QuerySet, period: ReportingPeriod) -> QuerySet:
    """Commitments annotated with ``p_state`` (review state of their newest row in ``period``,
    None if nothing was sent), ``p_late``, ``p_status`` and ``p_comment`` (the secretariat's
    comment on that row)."""
    newest = newest_subquery(period, in_period=True)
    return queryset.annotate(
        p_state=Subquery(newest.values("review_state")[:1]),
        p_late=Subquery(newest.values("late")[:1]),
        p_status=Subquery(newest.values("status")[:1]),
        p_comment=Subquery(newest.values("review_comment")[:1]),
    )


@dataclass
class CountryProgress:
    """One tracker row: a country's reporting in the period."""

    country: Country
    commitments: int = 0
    approved: int = 0
    waiting: int = 0
    returned: int = 0
    late: int = 0
    indicators_waiting: int = 0
    last_activity: datetime | None = None

    @property
    def updated(self) -> int:
        return self.approved + self.waiting

    @property
    def submitted(self) -> int:
        return self.approved + self.waiting + self.returned

    @property
    def not_updated(self) -> int:
        return self.commitments - self.updated

    @property
    def percent(self) -> int:
        """Share updated, rounded down (so 100 % means every commitment)."""
        return self.updated * 100 // self.commitments if self.commitments else 0


@dataclass
class Tracker:
    period: ReportingPeriod
    rows: list[CountryProgress]
    today: date
    total: CountryProgress = field(init=False)

    def __post_init__(self):
        total = CountryProgress(country=None)
        for row in self.rows:
            for name in (
                "commitments",
                "approved",
                "waiting",
                "returned",
                "late",
                "indicators_waiting",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            if row.last_activity and (
                total.last_activity is None or row.last_activity > total.last_activity
            ):
                total.last_activity = row.last_activity
        self.total = total

    @property
    def days_left(self) -> int | None:
        return self.period.days_left(self.today)


def tracker(
    period: ReportingPeriod,
    country_ids=None,
    *,
    today: date | None = None,
    indicators: bool = True,
) -> Tracker:
    """Per country (all, or those in ``country_ids``), the counts above for ``period``.

    Two queries: the commitments grouped by country, each commitment's newest row in the period
    found by correlated subqueries (state, late flag, when), counted with ``Count(filter=...)``;
    and the indicator values waiting for review, grouped by country (skipped, and counted 0,
    with ``indicators=False``: the reminders need the statuses only). The commitments are
    those ``period`` counts: of the edition in force at its end (``Commitment.objects
    .in_force``, a subquery of the first query).
    """
    commitments = Commitment.objects.in_force(period.end_date)
    values = IndicatorValue.objects.pending()
    if country_ids is not None:
        commitments = commitments.filter(country_id__in=list(country_ids))
        values = values.filter(country_id__in=list(country_ids))
    # A second, small query (grouped by country): as a subquery of the first, it would run
    # once per commitment.
    values_waiting = (
        dict(
            values.order_by()
            .values("country_id")
            .annotate(n=Count("pk"))
            .values_list("country_id", "n")
        )
        if indicators
        else {}
    )
    result = []
    for row in _counts_by_country(commitments, period):
        country = Country(
            pk=row["country_id"],
            iso3=row["country__iso3"],
            name_en=row["country__name_en"],
            name_es=row["country__name_es"],
        )
        activity = [t for t in (row["last_recorded"], row["last_reviewed"]) if t is not None]
        result.append(
            CountryProgress(
                country=country,
                commitments=row["commitments"],
                approved=row["approved"],
                waiting=row["waiting"],
                returned=row["returned"],
                late=row["late"],
                indicators_waiting=values_waiting.get(row["country_id"], 0),
                last_activity=max(activity) if activity else None,
            )
        )
    result.sort(key=lambda r: r.country.name)
    return Tracker(period=period, rows=result, today=today or timezone.localdate())


def _counts_by_country(commitments: QuerySet, period: ReportingPeriod) -> QuerySet:
    """The commitments grouped by country, with the counts of their newest rows in ``period``
    by review state, the late ones, and the last time one was recorded and reviewed."""
    newest = newest_subquery(period, in_period=True)
    # alias(), not annotate(): the subqueries feed the aggregates without joining GROUP BY.
    return (
        commitments.alias(
            p_state=Subquery(newest.values("review_state")[:1]),
            p_late=Subquery(newest.values("late")[:1]),
            p_last=Subquery(
                StatusUpdate.objects.filter(commitment=OuterRef("pk"), period=period)
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
            p_reviewed=Subquery(
                StatusUpdate.objects.filter(
                    commitment=OuterRef("pk"), period=period, reviewed_at__isnull=False
                )
                .order_by("-reviewed_at")
                .values("reviewed_at")[:1]
            ),
        )
        .order_by()
        .values("country_id", "country__iso3", "country__name_en", "country__name_es")
        .annotate(
            commitments=Count("pk"),
            approved=Count("pk", filter=Q(p_state=ReviewState.APPROVED)),
            waiting=Count("pk", filter=Q(p_state=ReviewState.SUBMITTED)),
            returned=Count("pk", filter=Q(p_state=ReviewState.RETURNED)),
            late=Count("pk", filter=Q(p_late=True)),
            last_recorded=Max("p_last"),
            last_reviewed=Max("p_reviewed"),
        )
    )


class Show:
    """What the drill-down lists (the ``show`` parameter)."""

    NOT_UPDATED = "not_updated"
    RETURNED = "returned"
    WAITING = "waiting"
    APPROVED = "approved"
    LATE = "late"
    ALL = "all"
    CHOICES = (NOT_UPDATED, RETURNED, WAITING, APPROVED, LATE, ALL)


def country_commitments(country: Country, period: ReportingPeriod, show: str = Show.NOT_UPDATED):
    """A country's commitments in force at ``period``'s end with their state in it
    (``with_period_state``), only those ``show`` asks for, in plan order. One query."""
    queryset = with_period_state(
        Commitment.objects.in_force(period.end_date)
        .filter(country=country)
        .select_related("focus_area", "pillar"),
        period,
    ).order_by("focus_area__order", "order")
    updated = Q(p_state__in=[ReviewState.APPROVED, ReviewState.SUBMITTED])
    filters = {
        Show.NOT_UPDATED: ~updated | Q(p_state__isnull=True),
        Show.RETURNED: Q(p_state=ReviewState.RETURNED),
        Show.WAITING: Q(p_state=ReviewState.SUBMITTED),
        Show.APPROVED: Q(p_state=ReviewState.APPROVED),
        Show.LATE: Q(p_late=True),
    }
    if show in filters:
        queryset = queryset.filter(filters[show])
    return queryset


def not_updated(period: ReportingPeriod, country_ids) -> QuerySet:
    """The commitments of these countries in force at ``period``'s end with no status standing
    or waiting in ``period`` (nothing sent, or returned): what reminders list. One query."""
    in_force = Commitment.objects.in_force(period.end_date)
    return (
        with_period_state(in_force.filter(country_id__in=list(country_ids)), period)
        .filter(~Q(p_state__in=[ReviewState.APPROVED, ReviewState.SUBMITTED]) | Q(p_state=None))
        .order_by("country__iso3", "focus_area__order", "order")
    )


def returned_to(country_ids) -> QuerySet:
    """Returned submissions of these countries (ids, or a query of ids) in unlocked periods
    that nobody has answered yet (no newer row for the commitment and period): what the team
    must act on."""
    answered = StatusUpdate.objects.filter(
        commitment=OuterRef("commitment"), period=OuterRef("period"), id__gt=OuterRef("id")
    )
    if not isinstance(country_ids, QuerySet):
        country_ids = list(country_ids)
    return (
        StatusUpdate.objects.filter(
            review_state=ReviewState.RETURNED,
            commitment__country_id__in=country_ids,
            period__locked=False,
        )
        .exclude(Exists(answered))
        .order_by("-reviewed_at", "-id")
    )


def stale_period_codes(periods, period: ReportingPeriod | None) -> frozenset[str]:
    """Codes of the periods whose statuses are *stale* as seen from ``period`` (the newest
    of ``periods`` when None): those that ended before the previous period did. The previous
    period is ``periods.models.previous_among``'s. No query (``periods`` is a list the page
    already holds)."""
    periods = chronological(periods)
    if period is None:
        if not periods:
            return frozenset()
        period = periods[-1]
    previous = previous_among(periods, period)
    if previous is None:
        return frozenset()
    return frozenset(p.code for p in periods if p.end_date < previous.end_date)
