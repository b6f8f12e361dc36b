"""The progress engine: the one place that computes progress and coverage.

For a group of commitments (a pillar, a country, a focus area, a country × pillar cell, or the
whole region) and a reporting period P:

* a commitment's status is the latest status reported in P or before (``not reported`` if none);
* ``commitments`` = number of commitments in the group;
* ``reported``    = number of those with a status (0 "not started" counts as reported);
* ``coverage``    = reported / commitments (0 when the group is empty);
* ``progress``    = mean of (status × 20 %) over the *reported* commitments, one decimal,
  ``None`` when nothing is reported; not-reported commitments are left out, never taken as 0;
* ``levels``      = the count at each level 0-5 plus ``not_reported``.

Everything is grouped in the database: one aggregate query (``values(...).annotate(...)`` with
one ``Count(filter=...)`` per level) plus one query per grouping dimension to list empty groups,
whatever the number of commitments. The API, the pages and the exports all call ``compute``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from commitments.models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    Status,
    StatusUpdate,
)
from countries.models import Country

LEVELS = [int(s) for s in Status]

# Grouping key -> (field on Commitment, model listing every group, key attribute on the model).
DIMENSIONS = {
    "pillar": ("pillar__number", Pillar, "number"),
    "country": ("country__iso3", Country, "iso3"),
    "focus_area": ("focus_area__code", FocusArea, "code"),
}
FILTERS = {"country": "country__iso3", "pillar": "pillar__number", "focus_area": "focus_area__code"}


class ProgressError(ValueError):
    """A grouping or filter the engine does not know."""


@dataclass
class Stats:
    commitments: int = 0
    reported: int = 0
    status_sum: int = 0
    levels: dict[int, int] = field(default_factory=lambda: {level: 0 for level in LEVELS})

    @property
    def not_reported(self) -> int:
        return self.commitments - self.reported

    @property
    def coverage(self) -> float:
        return self.reported / self.commitments if self.commitments else 0.0

    @property
    def progress(self) -> float | None:
        if not self.reported:
            return None
        exact = Decimal(self.status_sum * 20) / Decimal(self.reported)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def add(self, other: Stats) -> None:
        self.commitments += other.commitments
        self.reported += other.reported
        self.status_sum += other.status_sum
        for level in LEVELS:
            self.levels[level] += other.levels[level]

    def as_dict(self) -> dict:
        levels = {str(level): count for level, count in self.levels.items()}
        levels["not_reported"] = self.not_reported
        return {
            "commitments": self.commitments,
            "reported": self.reported,
            "coverage": round(self.coverage, 4),
            "progress": self.progress,
            "levels": levels,
        }


@dataclass
class Group:
    keys: dict[str, object]
    labels: dict[str, str]
    stats: Stats

    @property
    def label(self) -> str:
        return " · ".join(self.labels[k] for k in self.keys)

    def as_dict(self) -> dict:
        return {**self.keys, "label": self.label, **self.stats.as_dict()}


@dataclass
class Progress:
    period: ReportingPeriod | None
    by: list[str]
    total: Stats
    groups: list[Group]

    def as_dict(self) -> dict:
        return {
            "period": self.period.code if self.period else None,
            "by": self.by,
            "total": self.total.as_dict(),
            "groups": [group.as_dict() for group in self.groups],
        }


def parse_by(raw: str | None) -> list[str]:
    """``"country,pillar"`` -> ``["country", "pillar"]``; empty means the region as a whole."""
    by = [part.strip() for part in (raw or "").split(",") if part.strip()]
    unknown = [part for part in by if part not in DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ProgressError(
            f"'by' must be a comma-separated list of {', '.join(DIMENSIONS)} without repeats"
        )
    return by


def compute(
    by: list[str] | tuple[str, ...] = (),
    period: ReportingPeriod | None = None,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> Progress:
    """Progress of the commitments matching the filters, grouped by ``by``, as of ``period``.

    Groups are every combination of the dimensions' members (so empty groups show with zero
    commitments and ``progress`` None), restricted by the filters, in the dimensions' order.
    Queries: 1 aggregate + 1 per dimension in ``by``.
    """
    by = list(by)
    for part in by:
        if part not in DIMENSIONS:
            raise ProgressError(f"unknown grouping {part!r}")
    filters = {"country": country, "pillar": pillar, "focus_area": focus_area}

    commitments = Commitment.objects.all()
    for name, value in filters.items():
        if value is not None and value != "":
            commitments = commitments.filter(**{FILTERS[name]: value})
    commitments = commitments.with_current_status(period)

    group_fields = [DIMENSIONS[part][0] for part in by]
    level_counts = {
        f"level_{level}": Count("pk", filter=Q(current_status=level)) for level in LEVELS
    }
    aggregates = {
        "n": Count("pk"),
        "n_reported": Count("pk", filter=Q(current_status__isnull=False)),
        "status_sum": Sum("current_status"),
        **level_counts,
    }
    if group_fields:
        rows = list(commitments.order_by().values(*group_fields).annotate(**aggregates))
    else:  # the region as a whole: a plain aggregate (values() with no field groups by all)
        rows = [commitments.aggregate(**aggregates)]
    found: dict[tuple, Stats] = {}
    for row in rows:
        stats = Stats(
            commitments=row["n"],
            reported=row["n_reported"],
            status_sum=row["status_sum"] or 0,
            levels={level: row[f"level_{level}"] for level in LEVELS},
        )
        found[tuple(row[f] for f in group_fields)] = stats

    members = []
    for part in by:
        _field, model, key_attr = DIMENSIONS[part]
        queryset = model.objects.all()
        if filters.get(part) not in (None, ""):
            queryset = queryset.filter(**{key_attr: filters[part]})
        members.append([(getattr(obj, key_attr), str(obj.name)) for obj in queryset])

    total = Stats()
    groups: list[Group] = []
    for combination in itertools.product(*members) if by else []:
        key = tuple(k for k, _label in combination)
        stats = found.get(key, Stats())
        total.add(stats)
        groups.append(
            Group(
                keys=dict(zip(by, key, strict=True)),
                labels={part: label for part, (_k, label) in zip(by, combination, strict=True)},
                stats=stats,
            )
        )
    if not by:
        total = found.get((), Stats())
    return Progress(period=period, by=by, total=total, groups=groups)


# --- Over time: the status of every commitment as of each period, trend, explanation ---------


@dataclass
class Snapshot:
    """Every commitment's approved status as of one period (the latest reported in it or before).

    ``status`` maps commitment id -> status; ``latest`` maps commitment id -> (period code of that
    status, its narrative). Commitments with no status as of the period are absent.
    """

    period: ReportingPeriod
    status: dict[int, int]
    latest: dict[int, tuple[str, str]]

    def stats(self, commitments: int) -> Stats:
        """The group's Stats as of this period: the same arithmetic as ``compute``."""
        levels = {level: 0 for level in LEVELS}
        for value in self.status.values():
            levels[value] += 1
        return Stats(
            commitments=commitments,
            reported=len(self.status),
            status_sum=sum(self.status.values()),
            levels=levels,
        )


@dataclass
class History:
    commitment_ids: list[int]
    snapshots: list[Snapshot]  # chronological (by period end, then start)


def _filtered_commitments(country=None, pillar=None, focus_area=None):
    commitments = Commitment.objects.all()
    for name, value in {"country": country, "pillar": pillar, "focus_area": focus_area}.items():
        if value is not None and value != "":
            commitments = commitments.filter(**{FILTERS[name]: value})
    return commitments


def history(
    periods: list[ReportingPeriod] | None = None,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> History:
    """Each filtered commitment's approved status as of every period, in two queries.

    Choice: instead of one aggregate per period (a query count growing with the periods), fetch
    the filtered commitments' ids (1 query) and every *approved* status row of those commitments
    once (1 query, ``values_list``, ordered oldest first by period end, period start, recording
    time and id: the reverse of ``StatusUpdate.LATEST_FIRST``), then sweep the periods in
    chronological order in Python, keeping the newest row per commitment among the rows whose
    period ended no later than the period at hand: exactly ``with_current_status(period)``'s
    definition. Rows are few (one per commitment per period), so memory stays small.
    ``periods`` defaults to every period (one more query).
    """
    if periods is None:
        periods = list(ReportingPeriod.objects.all())
    periods = sorted(periods, key=lambda p: (p.end_date, p.start_date))
    commitments = _filtered_commitments(country, pillar, focus_area)
    ids = list(commitments.order_by().values_list("pk", flat=True))
    rows = (
        StatusUpdate.objects.counted()
        .filter(commitment__in=commitments.order_by().values("pk"))
        .order_by("period__end_date", "period__start_date", "created_at", "id")
        .values_list("commitment_id", "period__end_date", "period__code", "status", "narrative")
    )
    rows = list(rows)
    status: dict[int, int] = {}
    latest: dict[int, tuple[str, str]] = {}
    snapshots = []
    i = 0
    for period in periods:
        while i < len(rows) and rows[i][1] <= period.end_date:
            commitment_id, _end, code, value, narrative = rows[i]
            status[commitment_id] = value
            latest[commitment_id] = (code, narrative)
            i += 1
        snapshots.append(Snapshot(period=period, status=dict(status), latest=dict(latest)))
    return History(commitment_ids=ids, snapshots=snapshots)


def trend(
    periods: list[ReportingPeriod] | None = None,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> list[tuple[ReportingPeriod, Stats]]:
    """Progress of the filtered commitments as of each period, oldest first.

    Equal, period by period, to ``compute(period=p, ...).total``; two queries in all (see
    ``history``), whatever the number of periods.
    """
    past = history(periods, country=country, pillar=pillar, focus_area=focus_area)
    n = len(past.commitment_ids)
    return [(snap.period, snap.stats(n)) for snap in past.snapshots]


def explain(stats: dict) -> dict:
    """The counts behind a figure (a ``Stats.as_dict()``), so anyone can redo the arithmetic.

    ``terms`` lists (level, count, level × count) for the levels with commitments, highest first;
    ``status_sum`` is their total; progress = status_sum × 20 ÷ reported (one decimal, halves
    rounded up), coverage = reported ÷ commitments.
    """
    levels = stats["levels"]
    terms = [
        (level, levels[str(level)], level * levels[str(level)])
        for level in reversed(LEVELS)
        if levels[str(level)]
    ]
    return {
        "terms": terms,
        "status_sum": sum(product for _level, _count, product in terms),
        "reported": stats["reported"],
        "commitments": stats["commitments"],
        "not_reported": levels["not_reported"],
        "progress": stats["progress"],
        "coverage_percent": round(100 * stats["coverage"], 2),
    }
