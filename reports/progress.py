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

from commitments.models import Commitment, FocusArea, Pillar, ReportingPeriod, Status
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
