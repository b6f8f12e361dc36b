"""The progress engine: the one place that computes progress and coverage.

For a group of commitments (a pillar, a country, a focus area, a country × pillar cell, or the
whole region) and a reporting period P:

* a commitment's status is the latest status reported in P or before (``not reported`` if none);
* ``commitments`` = number of commitments in the group;
* ``reported``    = number of those with a status (0 "not started" counts as reported);
* ``coverage``    = reported / commitments (0 when the group is empty);
* ``progress``    = mean of (status × 20 %) over the *reported* commitments, one decimal,
  ``None`` when nothing is reported; not-reported commitments are left out, never taken as 0;
* ``levels``      = the count at each level 0-5 plus ``not_reported``;
* ``updated``     = number of commitments with an approved status reported *in P itself*
  (freshness: a status carried from an earlier period counts as reported, not as updated);
  ``None`` when no period is given (there is no "this period" then);
* ``reporting_rate`` = updated / commitments, beside coverage ("as of" P): a period opened
  yesterday has a high coverage and a reporting rate near 0.

**Editions (issue 22).** The group of a period is the commitments of the edition in force in
each country at the period's end (``Commitment.objects.in_force(period.end_date)``; with no
period, the edition in force today): ``base_date`` / ``in_force``. Each period of a timeline has
its own. A commitment that continues one of the previous edition, one to one, and has no status
of its own carries its predecessor's (``statuses.as_of``): counted as its status, never as
updated. A closed commitment is counted by its own edition's periods only.

How: the status of a commitment as of a period is never written here: its SQL comes from
``statuses.as_of`` (the rule's one SQL form, beside its ORM form ``statuses.selectors``), in the
shape fastest on each database. One aggregate query counts the filtered commitments per group,
each with its status as of P (``status_as_of_sql``), with one conditional count per level and
one of those updated in P; every figure above is a sum over those counts (``status_sum`` = Σ
level × count). One query before it lists the periods counted as of P (their ranks are written
into the SQL; none when the caller passes every period it has read already, as the progress API
does with its demo flag: ``statuses.selectors.periods_and_demo_flag``), one more per grouping
dimension lists its members, so empty groups show. ``compute_many`` answers several groupings
from one such aggregate (the dashboard's panels). ``timeline`` (trend, what moved) reads every
commitment's status as of every period in one query (``as_of_each_period_sql``), and ``numbers``
gives the dashboard its counts and timeline in that same query. The API, the pages and the
exports all call these functions; none recomputes a percentage.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
from countries.models import Country
from periods.models import ReportingPeriod, chronological, previous_among
from statuses.as_of import (
    AsOfOrder,
    as_of_each_period_sql,
    periods_up_to,
    periods_up_to_among,
    status_as_of_sql,
)
from statuses.models import Status

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
    updated: int | None = None  # reported in the period itself (None: no period given)

    @property
    def not_reported(self) -> int:
        return self.commitments - self.reported

    @property
    def reporting_rate(self) -> float | None:
        """updated / commitments (0 when the group is empty; None without a period)."""
        if self.updated is None:
            return None
        return self.updated / self.commitments if self.commitments else 0.0

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
        if other.updated is not None:
            self.updated = (self.updated or 0) + other.updated
        for level in LEVELS:
            self.levels[level] += other.levels[level]

    def as_dict(self) -> dict:
        levels = {str(level): count for level, count in self.levels.items()}
        levels["not_reported"] = self.not_reported
        rate = self.reporting_rate
        return {
            "commitments": self.commitments,
            "reported": self.reported,
            "coverage": round(self.coverage, 4),
            "progress": self.progress,
            "levels": levels,
            "updated": self.updated,
            "reporting_rate": None if rate is None else round(rate, 4),
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


def base_date(period: ReportingPeriod | None) -> datetime.date:
    """The day whose editions a period counts: its end; with no period, today."""
    return timezone.localdate() if period is None else period.end_date


def in_force(period: ReportingPeriod | None, **filters):
    """The commitments a period counts (matching ``filters``): those of the edition in force in
    each country at the period's end (``Commitment.objects.in_force``)."""
    return _filtered_commitments(**filters).in_force(base_date(period))


def _filtered(filters: dict) -> bool:
    return any(value not in (None, "") for value in filters.values())


def _run(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Counts:
    """What ``tally`` counts: ``levels`` maps (member id of each dimension, status or None) to
    a number of commitments; ``updated`` maps (member id of each dimension) to the number of
    them with an approved status reported in the period itself (None: no period given)."""

    levels: dict[tuple, int]
    updated: dict[tuple, int] | None


def tally(
    dims: list[str] | tuple[str, ...],
    period: ReportingPeriod | None,
    *,
    periods: list[ReportingPeriod] | None = None,
    **filters,
) -> Counts:
    """Commitments counted by (member id of each dimension in ``dims``, status or None), and
    how many of them were updated in ``period`` (``Counts``).

    Two queries: the periods counted as of ``period`` (``periods_up_to``: their ranks are
    written into the SQL), and one aggregate over the filtered commitments, each with its
    status as of ``period`` (``statuses.as_of.status_as_of_sql``, the rule's one SQL form),
    grouped by the dimensions' columns, with one conditional count per level and one of the
    commitments updated in ``period`` itself. ``periods``: every reporting period, when the
    caller has read them already (then the first query is not made).
    """
    order = periods_up_to(period) if periods is None else periods_up_to_among(period, periods)
    rows = _run(*_tally_sql(tuple(dims), period, filters, order))
    levels: dict[tuple, int] = {}
    updated: dict[tuple, int] | None = None if period is None else {}
    n = len(dims)
    for row in rows:
        key, total, at, fresh = tuple(row[:n]), row[n], row[n + 1 : -1], row[-1]
        for level, count in zip(LEVELS, at, strict=True):
            if count:
                levels[(*key, level)] = count
        if total - sum(at):
            levels[(*key, None)] = total - sum(at)
        if updated is not None and fresh:
            updated[key] = fresh
    return Counts(levels=levels, updated=updated)


# The text of tally's query, by what it depends on: building it through the ORM costs about
# 3 ms, as much as running it on the 229 commitments of the plans (docs/benchmarks.md).
_TALLY_SQL: dict[tuple, tuple[str, tuple]] = {}


def _tally_sql(
    dims: tuple, period: ReportingPeriod | None, filters: dict, order: AsOfOrder | None = None
) -> tuple[str, tuple]:
    if order is None:
        order = periods_up_to(period)
    given = [(k, repr(getattr(v, "pk", v))) for k, v in filters.items() if v not in (None, "")]
    as_of = (period.pk, period.end_date) if period is not None else base_date(None)
    key = (connection.alias, connection.vendor, dims, as_of, order.key, tuple(sorted(given)))
    if key not in _TALLY_SQL:
        if len(_TALLY_SQL) >= 2000:  # a bound, whatever the combinations asked for
            _TALLY_SQL.clear()
        _TALLY_SQL[key] = _build_tally_sql(dims, period, filters, order)
    return _TALLY_SQL[key]


def _build_tally_sql(dims, period, filters, order: AsOfOrder) -> tuple[str, tuple]:
    commitments = _filtered_commitments(**filters) if _filtered(filters) else None
    columns = [DIMENSIONS[d][3] for d in dims]
    base = in_force(period, **filters)
    t_sql, params = status_as_of_sql(period, commitments, keys=columns, order=order, base=base)
    keys = ", ".join(f"t.{column}" for column in columns)
    counts = ", ".join(
        ["COUNT(*)"]
        + [f"COUNT(CASE WHEN t.status = {level} THEN 1 END)" for level in LEVELS]
        + ["COUNT(CASE WHEN t.updated = 1 THEN 1 END)"]
    )
    sql = f"SELECT {keys + ', ' if keys else ''}{counts} FROM ({t_sql}) t" + (
        f" GROUP BY {keys}" if keys else ""
    )
    return sql, params


def _stats(counts: list[tuple[int | None, int]], updated: int | None = None) -> Stats:
    stats = Stats(updated=updated)
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


def _progress(counts: Counts, dims, by, members, period) -> Progress:
    """Group the counts by ``by`` (a subset of ``dims``), in members' order."""
    positions = [dims.index(part) for part in by]
    grouped: dict[tuple, list[tuple[int | None, int]]] = {}
    everything: list[tuple[int | None, int]] = []
    for key, n in counts.levels.items():
        grouped.setdefault(tuple(key[i] for i in positions), []).append((key[-1], n))
        everything.append((key[-1], n))
    fresh: dict[tuple, int] | None = None
    total_fresh: int | None = None
    if counts.updated is not None:
        fresh, total_fresh = {}, 0
        for key, n in counts.updated.items():
            group = tuple(key[i] for i in positions)
            fresh[group] = fresh.get(group, 0) + n
            total_fresh += n
    groups: list[Group] = []
    for combination in itertools.product(*(members[part] for part in by)) if by else []:
        ids = tuple(pk for pk, _key, _label in combination)
        groups.append(
            Group(
                keys={part: key for part, (_pk, key, _l) in zip(by, combination, strict=True)},
                labels={
                    part: label for part, (_pk, _k, label) in zip(by, combination, strict=True)
                },
                stats=_stats(grouped.get(ids, []), None if fresh is None else fresh.get(ids, 0)),
            )
        )
    return Progress(
        period=period, by=list(by), total=_stats(everything, total_fresh), groups=groups
    )


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
    *,
    periods: list[ReportingPeriod] | None = None,
) -> Progress:
    """Progress of the commitments matching the filters, grouped by ``by``, as of ``period``.

    Groups are every combination of the dimensions' members (so empty groups show with zero
    commitments and ``progress`` None), restricted by the filters, in the dimensions' order.
    Queries: 1 listing the periods counted (none when ``periods``, every reporting period, is
    given), 1 aggregate, 1 per dimension in ``by``.
    """
    filters = {"country": country, "pillar": pillar, "focus_area": focus_area}
    return compute_many([by], period, periods=periods, **filters)[0]


def compute_many(
    groupings: list[list[str] | tuple[str, ...]],
    period: ReportingPeriod | None = None,
    *,
    periods: list[ReportingPeriod] | None = None,
    **filters,
) -> list[Progress]:
    """``compute`` for several groupings at once (e.g. by pillar, by country, country × pillar)
    from one aggregate query over the dimensions they use, plus one query per dimension."""
    groupings = [_check(by) for by in groupings]
    dims = [part for part in DIMENSIONS if any(part in by for by in groupings)]
    counts = tally(dims, period, periods=periods, **filters)
    return assemble(counts, groupings, period, dims=dims, **filters)


def assemble(
    counts: Counts,
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


@dataclass
class Timeline:
    """The filtered commitments' statuses as of every period, and what moved into each, counted.

    ``levels[i]`` counts the commitments at each level as of ``periods[i]``; ``moved[i]`` how
    many went ``up``, ``down`` or were reported ``first`` compared with the period before it
    (``previous``: ``periods.models.previous_among`` over ``periods``, which is not always
    ``periods[i - 1]``: 2024-H2's is 2024-H1, not 2024); ``updated[i]`` how many have an
    approved status reported in ``periods[i]`` itself.
    """

    periods: list[ReportingPeriod]  # chronological (periods.models.CHRONOLOGICAL)
    commitments: int  # counted by the latest period (its editions)
    levels: list[dict[int, int]]
    moved: list[dict[str, int]]
    updated: list[int] = field(default_factory=list)
    # bases[i]: the commitments periods[i] counts (the editions in force at its end)
    bases: list[int] = field(default_factory=list)

    def _index(self, period: ReportingPeriod) -> int | None:
        codes = [p.code for p in self.periods]
        return codes.index(period.code) if period.code in codes else None

    def stats(self, period: ReportingPeriod) -> Stats:
        """The Stats as of ``period``: equal to ``compute(period=period, ...).total``."""
        index = self._index(period)
        stats = _stats(list(self.levels[index].items()), self.updated[index])
        stats.commitments = self.bases[index]
        return stats

    def trend(self) -> list[tuple[ReportingPeriod, Stats]]:
        return [(period, self.stats(period)) for period in self.periods]

    def previous(self, period: ReportingPeriod) -> ReportingPeriod | None:
        """The period before ``period`` among the timeline's (``previous_among``). No query."""
        return previous_among(self.periods, period)

    def moved_into(self, period: ReportingPeriod) -> dict[str, int]:
        """How many commitments went up, down or were first reported as of ``period`` compared
        with the period before it (every reported one is first when there is none before)."""
        return dict(self.moved[self._index(period)])


def _chronological(periods: list[ReportingPeriod] | None) -> list[ReportingPeriod]:
    if periods is None:
        periods = list(ReportingPeriod.objects.all())
    return chronological(periods)


def previous_indexes(periods: list[ReportingPeriod]) -> list[int | None]:
    """For each of ``periods``, the index in ``periods`` of the period before it
    (``previous_among`` over ``periods``), None when there is none. No query."""
    index = {p.pk: i for i, p in enumerate(periods)}
    before = (previous_among(periods, p) for p in periods)
    return [None if b is None else index[b.pk] for b in before]


def _based(a_sql: str, a_params: tuple, periods: list[ReportingPeriod]) -> tuple[str, tuple]:
    """``a_sql`` (rows with ``plan_id``) with ``b<i>``: 1 when the row's commitment is of an
    edition in force at the end of ``periods[i]`` (``NationalPlan.objects.in_force``, once per
    distinct end date), else 0. The editions' query is a few rows, read once per date."""
    by_date: dict[datetime.date, tuple[str, tuple]] = {}
    for p in periods:
        if p.end_date not in by_date:
            plans = NationalPlan.objects.in_force(p.end_date).order_by().values("id")
            sql, params = plans.query.sql_with_params()
            by_date[p.end_date] = (sql, tuple(params))
    names = {date: f"e{k}" for k, date in enumerate(by_date)}
    editions = ", ".join(
        f"CASE WHEN a.plan_id IN ({sql}) THEN 1 ELSE 0 END AS {names[date]}"
        for date, (sql, _params) in by_date.items()
    )
    params = tuple(param for _sql, ps in by_date.values() for param in ps)
    bases = ", ".join(f"e.{names[p.end_date]} AS b{i}" for i, p in enumerate(periods))
    sql = f"SELECT e.*, {bases} FROM (SELECT a.*, {editions} FROM ({a_sql}) a) e"
    return sql, params + tuple(a_params)


def _timeline_query(
    periods: list[ReportingPeriod], filters: dict, dims: tuple[str, ...]
) -> list[tuple]:
    """Per group of ``dims`` (none: one row): for each period the commitments it counts (its
    editions), then for each period the count at each level 0-5, then for each period with a
    period before it (``previous_indexes``) the counts up, down, first compared with that one,
    then for each period the count updated in it. A commitment counts in a period only when
    it is of an edition in force at the period's end (``b<i>``); its status there is its own
    or the one it carries (``statuses.as_of``): what moved compares a continued commitment
    with its predecessor."""
    queryset = _filtered_commitments(**filters)
    columns = [DIMENSIONS[d][3] for d in dims]
    counts = [f"SUM(a.b{i})" for i in range(len(periods))]
    for i in range(len(periods)):
        counts += [
            f"COUNT(CASE WHEN a.b{i} = 1 AND a.s{i} = {level} THEN 1 END)" for level in LEVELS
        ]
    for i, j in enumerate(previous_indexes(periods)):
        if j is None:
            continue
        now, before, counted = f"a.s{i}", f"a.s{j}", f"a.b{i} = 1"
        counts += [
            f"COUNT(CASE WHEN {counted} AND {now} > {before} THEN 1 END)",
            f"COUNT(CASE WHEN {counted} AND {now} < {before} THEN 1 END)",
            f"COUNT(CASE WHEN {counted} AND {now} IS NOT NULL AND {before} IS NULL THEN 1 END)",
        ]
    counts += [
        f"COUNT(CASE WHEN a.b{i} = 1 AND a.u{i} = 1 THEN 1 END)" for i in range(len(periods))
    ]
    # every commitment with its columns, its edition and its statuses (statuses.as_of)
    a_sql, params = as_of_each_period_sql(
        periods, queryset, _filtered(filters), updated=True, keys=[*columns, "plan_id"]
    )
    b_sql, params = _based(a_sql, params, periods)
    source, keys = f"({b_sql}) a", ", ".join(f"a.{column}" for column in columns)
    sql = f"SELECT {keys + ', ' if keys else ''}{', '.join(counts)} FROM {source}" + (
        f" GROUP BY {keys}" if keys else ""
    )
    return _run(sql, params)


def _timeline(periods: list[ReportingPeriod], rows: list[tuple], n_dims: int) -> Timeline:
    n = len(periods)
    bases = [0 for _ in periods]
    levels = [{level: 0 for level in LEVELS} for _ in periods]
    moved = [{"up": 0, "down": 0, "first": 0} for _ in periods]
    updated = [0 for _ in periods]
    compared = [i for i, j in enumerate(previous_indexes(periods)) if j is not None]
    for row in rows:
        values = row[n_dims:]
        for i in range(n):
            bases[i] += int(values[i] or 0)
            for j, level in enumerate(LEVELS):
                levels[i][level] += values[n + i * len(LEVELS) + j]
        base = n + n * len(LEVELS)
        for k, i in enumerate(compared):
            up, down, first = values[base + k * 3 : base + (k + 1) * 3]
            moved[i]["up"] += up
            moved[i]["down"] += down
            moved[i]["first"] += first
        base += len(compared) * 3
        for i in range(n):
            updated[i] += values[base + i]
    for i in set(range(n)) - set(compared):  # no period before: every reported one is first
        moved[i]["first"] = sum(levels[i].values())
    return Timeline(
        periods=periods,
        commitments=bases[-1] if bases else 0,
        levels=levels,
        moved=moved,
        updated=updated,
        bases=bases,
    )


def timeline(periods: list[ReportingPeriod] | None = None, **filters) -> Timeline:
    """The filtered commitments' statuses as of each of ``periods`` (default: all) and what
    moved into each, counted in the database in one query (``as_of_each_period_sql``; one more
    when ``periods`` is None), whatever the number of periods and rows."""
    periods = _chronological(periods)
    if not periods:
        total = in_force(None, **filters).count()
        return Timeline(periods=[], commitments=total, levels=[], moved=[])
    return _timeline(periods, _timeline_query(periods, filters, ()), 0)


def numbers(
    period: ReportingPeriod | None, periods: list[ReportingPeriod] | None = None, **filters
) -> tuple[Counts, Timeline]:
    """``tally(ALL_DIMENSIONS, period, **filters)`` and ``timeline(periods, **filters)`` from
    one query (the timeline counted per (pillar, country, focus area)): what the dashboard and
    the country pages show. ``period`` must be one of ``periods`` (else: two queries)."""
    periods = _chronological(periods)
    if period is None or period.code not in {p.code for p in periods}:
        counts = tally(ALL_DIMENSIONS, period, **filters)
        return counts, timeline(periods, **filters)
    rows = _timeline_query(periods, filters, ALL_DIMENSIONS)
    index = [p.code for p in periods].index(period.code)
    levels: dict[tuple, int] = {}
    updated: dict[tuple, int] = {}
    n_dims, n = len(ALL_DIMENSIONS), len(periods)
    compared = sum(j is not None for j in previous_indexes(periods))
    for row in rows:
        keys, values = tuple(row[:n_dims]), row[n_dims:]
        at = values[n + index * len(LEVELS) : n + (index + 1) * len(LEVELS)]
        for level, count in zip(LEVELS, at, strict=True):
            if count:
                levels[(*keys, level)] = count
        total = int(values[index] or 0)
        if total - sum(at):
            levels[(*keys, None)] = total - sum(at)
        fresh = values[n + n * len(LEVELS) + compared * 3 + index]
        if fresh:
            updated[keys] = fresh
    return Counts(levels=levels, updated=updated), _timeline(periods, rows, n_dims)


def trend(
    periods: list[ReportingPeriod] | None = None,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> list[tuple[ReportingPeriod, Stats]]:
    """Progress of the filtered commitments as of each period, oldest first.

    Equal, period by period, to ``compute(period=p, ...).total``; one query (``timeline``),
    whatever the number of periods; ``periods`` defaults to every period (one more).
    """
    return timeline(periods, country=country, pillar=pillar, focus_area=focus_area).trend()


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
        "updated": stats.get("updated"),
        "reporting_rate_percent": None
        if stats.get("reporting_rate") is None
        else round(100 * stats["reporting_rate"], 2),
    }
