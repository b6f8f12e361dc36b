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

How: one aggregate query counts the filtered commitments by (group, status), each commitment
LEFT JOINed to its status as of P from ``commitments.selectors.status_as_of`` (the one
definition of that status, computed once for all commitments in the same query); every figure
above is a sum over those counts (``status_sum`` = Σ level × count). One more query per grouping
dimension lists its members, so empty groups show. ``compute_many`` answers several groupings
from one such aggregate (the dashboard's panels). ``trend`` counts, in the database, how long
each status held (from the period end it was reported by to the next), so the status of every
commitment as of every period costs one query whatever the number of periods. The API, the
pages and the exports all call these functions; none recomputes a percentage.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from commitments import selectors
from commitments.models import Commitment, FocusArea, Pillar, ReportingPeriod, Status
from countries.models import Country

LEVELS = [int(s) for s in Status]

# Grouping key -> (field on Commitment, model listing every group, key attribute on the model,
# column on Commitment).
DIMENSIONS = {
    "pillar": ("pillar__number", Pillar, "number", "pillar_id"),
    "country": ("country__iso3", Country, "iso3", "country_id"),
    "focus_area": ("focus_area__code", FocusArea, "code", "focus_area_id"),
}
ALL_DIMENSIONS = tuple(DIMENSIONS)
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


def _filtered_commitments(country=None, pillar=None, focus_area=None):
    commitments = Commitment.objects.all()
    for name, value in {"country": country, "pillar": pillar, "focus_area": focus_area}.items():
        if value is not None and value != "":
            commitments = commitments.filter(**{FILTERS[name]: value})
    return commitments.order_by()


def _filtered(filters: dict) -> bool:
    return any(value not in (None, "") for value in filters.values())


def _sql(queryset) -> tuple[str, tuple]:
    """A queryset's SQL and parameters, to use as a derived table (the ORM cannot join one)."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _run(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def tally(
    dims: list[str] | tuple[str, ...], period: ReportingPeriod | None, **filters
) -> dict[tuple, int]:
    """Commitments counted by (member id of each dimension in ``dims``, status or None).

    One query: the filtered commitments LEFT JOIN their status as of ``period`` (one row per
    commitment, ``selectors.status_as_of``), grouped by the dimensions' columns and the status.
    """
    commitments = _filtered_commitments(**filters)
    columns = [DIMENSIONS[d][3] for d in dims]
    c_sql, c_params = _sql(commitments.values("id", *columns))
    statuses = selectors.status_as_of(
        period, commitments=commitments if _filtered(filters) else None
    )
    s_sql, s_params = _sql(statuses.values("commitment_id", "status"))
    keys = "".join(f"c.{column}, " for column in columns)
    sql = (
        f"SELECT {keys}s.status, COUNT(*) FROM ({c_sql}) c "
        f"LEFT JOIN ({s_sql}) s ON s.commitment_id = c.id GROUP BY {keys}s.status"
    )
    return {tuple(row[:-1]): row[-1] for row in _run(sql, c_params + s_params)}


def _stats(counts: list[tuple[int | None, int]]) -> Stats:
    stats = Stats()
    for status, n in counts:
        stats.commitments += n
        if status is not None:
            stats.reported += n
            stats.status_sum += status * n
            stats.levels[status] += n
    return stats


def _members(part: str, filters: dict) -> list[tuple[int, object, str]]:
    """(id, key, label) of every member of a dimension, restricted by its own filter."""
    _field, model, key_attr, _column = DIMENSIONS[part]
    queryset = model.objects.all()
    if filters.get(part) not in (None, ""):
        queryset = queryset.filter(**{key_attr: filters[part]})
    return [(obj.pk, getattr(obj, key_attr), str(obj.name)) for obj in queryset]


def _progress(counts, dims, by, members, period) -> Progress:
    """Group the (dims ids, status) counts by ``by`` (a subset of ``dims``), in members' order."""
    positions = [dims.index(part) for part in by]
    grouped: dict[tuple, list[tuple[int | None, int]]] = {}
    everything: list[tuple[int | None, int]] = []
    for key, n in counts.items():
        grouped.setdefault(tuple(key[i] for i in positions), []).append((key[-1], n))
        everything.append((key[-1], n))
    groups: list[Group] = []
    for combination in itertools.product(*(members[part] for part in by)) if by else []:
        ids = tuple(pk for pk, _key, _label in combination)
        groups.append(
            Group(
                keys={part: key for part, (_pk, key, _l) in zip(by, combination, strict=True)},
                labels={
                    part: label for part, (_pk, _k, label) in zip(by, combination, strict=True)
                },
                stats=_stats(grouped.get(ids, [])),
            )
        )
    return Progress(period=period, by=list(by), total=_stats(everything), groups=groups)


def _check(by) -> list[str]:
    by = list(by)
    for part in by:
        if part not in DIMENSIONS:
            raise ProgressError(f"unknown grouping {part!r}")
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
    return compute_many([by], period, country=country, pillar=pillar, focus_area=focus_area)[0]


def compute_many(
    groupings: list[list[str] | tuple[str, ...]],
    period: ReportingPeriod | None = None,
    **filters,
) -> list[Progress]:
    """``compute`` for several groupings at once (e.g. by pillar, by country, country × pillar)
    from one aggregate query over the dimensions they use, plus one query per dimension."""
    groupings = [_check(by) for by in groupings]
    dims = [part for part in DIMENSIONS if any(part in by for by in groupings)]
    counts = tally(dims, period, **filters)
    return assemble(counts, groupings, period, dims=dims, **filters)


def assemble(
    counts: dict[tuple, int],
    groupings: list[list[str] | tuple[str, ...]],
    period: ReportingPeriod | None = None,
    *,
    dims: list[str] | tuple[str, ...] = ALL_DIMENSIONS,
    **filters,
) -> list[Progress]:
    """The ``Progress`` of each grouping from the counts of ``tally(dims, period, **filters)``
    (each grouping uses dimensions among ``dims``). One query per dimension used (members)."""
    groupings = [_check(by) for by in groupings]
    used = [part for part in DIMENSIONS if any(part in by for by in groupings)]
    members = {part: _members(part, filters) for part in used}
    return [_progress(counts, list(dims), by, members, period) for by in groupings]


# --- Over time: the status of every commitment as of each period --------------------------


def _day(value) -> str | None:
    """A date from the database as 'YYYY-MM-DD' (SQLite returns text from derived tables)."""
    return None if value is None else str(value)[:10]


@dataclass
class Spans:
    """How long each status held, counted: the status of every filtered commitment as of every
    period, and what moved into each, from one query.

    ``rows`` are (since, until, status, before, n): ``n`` commitments had ``status`` as of every
    period ending on or after ``since`` and before ``until`` (None: still), and ``before`` as
    of the period end before ``since`` (None: not reported then).
    """

    periods: list[ReportingPeriod]  # chronological (by end date, then start date)
    commitments: int
    rows: list[tuple[str, str | None, int, int | None, int]]

    def stats(self, period: ReportingPeriod) -> Stats:
        """The Stats as of ``period``: equal to ``compute(period=period, ...).total``."""
        day = period.end_date.isoformat()
        stats = _stats(
            [
                (status, n)
                for since, until, status, _before, n in self.rows
                if since <= day and (until is None or until > day)
            ]
        )
        stats.commitments = self.commitments
        return stats

    def trend(self) -> list[tuple[ReportingPeriod, Stats]]:
        return [(period, self.stats(period)) for period in self.periods]

    def previous(self, period: ReportingPeriod) -> ReportingPeriod | None:
        codes = [p.code for p in self.periods]
        index = codes.index(period.code) if period.code in codes else 0
        return self.periods[index - 1] if index > 0 else None

    def moved(self, period: ReportingPeriod) -> dict[str, int]:
        """How many commitments went up, down or were first reported as of ``period`` compared
        with the period before it (none when both end on the same day: same statuses)."""
        counts = {"up": 0, "down": 0, "first": 0}
        previous = self.previous(period)
        if previous is not None and previous.end_date == period.end_date:
            return counts
        day = period.end_date.isoformat()
        for since, _until, status, before, n in self.rows:
            if since != day:
                continue
            if before is None:
                counts["first"] += n
            elif status > before:
                counts["up"] += n
            elif status < before:
                counts["down"] += n
        return counts


def _spans_sql(periods: list[ReportingPeriod], queryset, filtered: bool) -> tuple[str, tuple]:
    """SQL of each commitment's spans: (commitment_id, s_from, s_to, s_status, s_before)."""
    each_end = selectors.status_as_of_each_end(
        periods[-1], commitments=queryset if filtered else None
    ).values("commitment_id", "status", "period__end_date")
    b_sql, b_params = _sql(each_end)
    return (
        "SELECT e.commitment_id, e.status AS s_status, e.period__end_date AS s_from,"
        " LEAD(e.period__end_date) OVER w AS s_to, LAG(e.status) OVER w AS s_before"
        f" FROM ({b_sql}) e"
        " WINDOW w AS (PARTITION BY e.commitment_id ORDER BY e.period__end_date)",
        b_params,
    )


def _span_rows(rows) -> list[tuple[str, str | None, int, int | None, int]]:
    return [
        (_day(since), _day(until), status, before, n) for since, until, status, before, n in rows
    ]


def _chronological(periods: list[ReportingPeriod] | None) -> list[ReportingPeriod]:
    if periods is None:
        periods = list(ReportingPeriod.objects.all())
    return sorted(periods, key=lambda p: (p.end_date, p.start_date))


def spans(
    periods: list[ReportingPeriod] | None = None, *, commitments: int | None = None, **filters
) -> Spans:
    """The filtered commitments' statuses over ``periods`` (default: all), counted by span.

    Each commitment's status as of each period end it has approved rows for
    (``selectors.status_as_of_each_end``) holds from that end date until its next one (SQL
    ``LEAD``), after the one before (``LAG``); the database counts those spans. Two queries (the
    commitments, the spans) whatever the number of periods and rows; one when the number of
    filtered ``commitments`` is given.
    """
    periods = _chronological(periods)
    queryset = _filtered_commitments(**filters)
    total = queryset.count() if commitments is None else commitments
    rows: list[tuple[str, str | None, int, int | None, int]] = []
    if periods and total:
        b_sql, b_params = _spans_sql(periods, queryset, _filtered(filters))
        sql = (
            "SELECT s_from, s_to, s_status, s_before, COUNT(*)"
            f" FROM ({b_sql}) spans GROUP BY s_from, s_to, s_status, s_before"
        )
        rows = _span_rows(_run(sql, b_params))
    return Spans(periods=periods, commitments=total, rows=rows)


def numbers(
    period: ReportingPeriod | None, periods: list[ReportingPeriod] | None = None, **filters
) -> tuple[dict[tuple, int], Spans]:
    """``tally(ALL_DIMENSIONS, period, **filters)`` and ``spans(periods, **filters)`` together,
    in one query: the status as of ``period`` is the span covering its end date (the latest
    span when ``period`` is None), so both read one pass over the statuses (a common table
    expression, computed once). What the dashboard and the country pages show."""
    periods = _chronological(periods)
    if period is None or not periods:
        counts = tally(ALL_DIMENSIONS, period, **filters)
        return counts, spans(periods, commitments=sum(counts.values()), **filters)
    queryset = _filtered_commitments(**filters)
    columns = [DIMENSIONS[d][3] for d in ALL_DIMENSIONS]
    c_sql, c_params = _sql(queryset.values("id", *columns))
    b_sql, b_params = _spans_sql(periods, queryset, _filtered(filters))
    keys = ", ".join(f"c.{column}" for column in columns)
    nulls = ", ".join("NULL" for _ in columns)
    sql = (
        f"WITH b AS ({b_sql}) "
        f"SELECT 0, s_from, s_to, s_status, s_before, {nulls}, COUNT(*) FROM b"
        " GROUP BY s_from, s_to, s_status, s_before"
        f" UNION ALL SELECT 1, NULL, NULL, b.s_status, NULL, {keys}, COUNT(*)"
        f" FROM ({c_sql}) c LEFT JOIN b ON b.commitment_id = c.id"
        " AND b.s_from <= %s AND (b.s_to IS NULL OR b.s_to > %s)"
        f" GROUP BY b.s_status, {keys}"
    )
    params = b_params + c_params + (period.end_date, period.end_date)
    span_rows, counts = [], {}
    for kind, since, until, status, before, *rest in _run(sql, params):
        if kind == 0:
            span_rows.append((since, until, status, before, rest[-1]))
        else:
            counts[(*rest[:-1], status)] = rest[-1]
    total = sum(counts.values())
    return counts, Spans(periods=periods, commitments=total, rows=_span_rows(span_rows))


def trend(
    periods: list[ReportingPeriod] | None = None,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> list[tuple[ReportingPeriod, Stats]]:
    """Progress of the filtered commitments as of each period, oldest first.

    Equal, period by period, to ``compute(period=p, ...).total``; two queries in all (see
    ``spans``), whatever the number of periods; ``periods`` defaults to every period (one more).
    """
    return spans(periods, country=country, pillar=pillar, focus_area=focus_area).trend()


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
