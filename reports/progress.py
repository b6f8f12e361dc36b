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

How: one aggregate query counts the filtered commitments by (group, status), each commitment
LEFT JOINed to its status as of P from ``commitments.selectors.status_as_of`` (the one
definition of that status, computed once for all commitments in the same query); every figure
above is a sum over those counts (``status_sum`` = Σ level × count); ``updated`` is one more
conditional count in that same query. One more query per grouping
dimension lists its members, so empty groups show. ``compute_many`` answers several groupings
from one such aggregate (the dashboard's panels). ``timeline`` (trend, what moved) finds every
commitment's status as of every period in one pass over the approved rows in index order
(``as_of_each_period_sql``; on SQLite by one index lookup per commitment and period), and
``numbers`` gives the dashboard its counts and timeline in that same query. The API, the pages
and the exports all call these functions; none recomputes a percentage.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery

from commitments import selectors
from commitments.models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    ReviewState,
    Status,
    StatusUpdate,
)
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


@dataclass
class Counts:
    """What ``tally`` counts: ``levels`` maps (member id of each dimension, status or None) to
    a number of commitments; ``updated`` maps (member id of each dimension) to the number of
    them with an approved status reported in the period itself (None: no period given)."""

    levels: dict[tuple, int]
    updated: dict[tuple, int] | None


def _updated_sql(period: ReportingPeriod, commitment: str, status_period: str) -> tuple[str, tuple]:
    """SQL true when the commitment ``commitment`` (a column) has an approved row in ``period``,
    knowing ``status_period``, the period of its status as of ``period`` (NULL: none). That
    status is the newest row of the periods that ended by ``period``'s end: it is in
    ``period`` itself, or in a period ending the same day (a later start wins, e.g. 2024-H2
    over 2024); only then is the row in ``period`` looked up (rare: no probe otherwise)."""
    siblings = ReportingPeriod.objects.filter(end_date=period.end_date).exclude(pk=period.pk)
    p_sql, p_params = _sql(siblings.values("id"))
    table = StatusUpdate._meta.db_table
    sql = (
        f"({status_period} = %s OR ({status_period} IN ({p_sql}) AND EXISTS ("
        f"SELECT 1 FROM {table} u WHERE u.commitment_id = {commitment}"
        f" AND u.period_id = %s AND u.review_state = %s)))"
    )
    return sql, (period.pk, *p_params, period.pk, ReviewState.APPROVED)


def tally(dims: list[str] | tuple[str, ...], period: ReportingPeriod | None, **filters) -> Counts:
    """Commitments counted by (member id of each dimension in ``dims``, status or None), and
    how many of them were updated in ``period`` (``Counts``).

    One query: the filtered commitments LEFT JOIN their status as of ``period`` (one row per
    commitment, ``selectors.status_as_of``, with the period it was reported in), grouped by the
    dimensions' columns and the status, with one conditional count of the statuses reported in
    ``period`` itself; on SQLite each commitment's status is looked up (``with_current_status``)
    instead.
    """
    rows = _run(*_tally_sql(tuple(dims), period, filters))
    levels: dict[tuple, int] = {}
    updated: dict[tuple, int] | None = None if period is None else {}
    for row in rows:
        key, n, fresh = tuple(row[:-2]), row[-2], row[-1]
        levels[key] = n
        if updated is not None and fresh:
            updated[key[:-1]] = updated.get(key[:-1], 0) + fresh
    return Counts(levels=levels, updated=updated)


# The text of tally's query, by what it depends on: building it through the ORM costs about
# 3 ms, as much as running it on the 229 commitments of the plans (docs/benchmarks.md).
_TALLY_SQL: dict[tuple, tuple[str, tuple]] = {}


def _tally_sql(dims: tuple, period: ReportingPeriod | None, filters: dict) -> tuple[str, tuple]:
    given = [(k, repr(getattr(v, "pk", v))) for k, v in filters.items() if v not in (None, "")]
    as_of = (period.pk, period.end_date) if period is not None else None
    key = (connection.alias, connection.vendor, dims, as_of, tuple(sorted(given)))
    if key not in _TALLY_SQL:
        if len(_TALLY_SQL) >= 2000:  # a bound, whatever the combinations asked for
            _TALLY_SQL.clear()
        _TALLY_SQL[key] = _build_tally_sql(dims, period, filters)
    return _TALLY_SQL[key]


def _build_tally_sql(dims, period, filters) -> tuple[str, tuple]:
    commitments = _filtered_commitments(**filters)
    columns = [DIMENSIONS[d][3] for d in dims]
    if connection.vendor == "sqlite":
        # SQLite sorts a million rows for the window far slower than it looks each
        # commitment's newest row up in the index (docs/benchmarks.md): the correlated form.
        # (grouped outside, so the lookup runs once per commitment, not again for GROUP BY)
        statused = commitments.with_current_status(period)
        names = [*columns, "current_status"]
        if period is not None:  # one more probe of the index per commitment: a row in P?
            fresh = StatusUpdate.objects.counted().filter(commitment=OuterRef("pk"), period=period)
            statused, names = statused.annotate(fresh=Exists(fresh)), [*names, "fresh"]
        t_sql, t_params = _sql(statused.values(*names))
        keys = "".join(f"t.{column}, " for column in columns)
        u_sql = "t.fresh" if period is not None else "NULL"
        sql = (
            f"SELECT {keys}t.current_status, COUNT(*), COUNT(CASE WHEN {u_sql} THEN 1 END)"
            f" FROM ({t_sql}) t GROUP BY {keys}t.current_status"
        )
        return sql, t_params
    c_sql, c_params = _sql(commitments.values("id", *columns))
    statuses = selectors.status_as_of(
        period, commitments=commitments if _filtered(filters) else None
    )
    s_sql, s_params = _sql(statuses.values("commitment_id", "status", "period_id"))
    keys = "".join(f"c.{column}, " for column in columns)
    u_sql, u_params = ("NULL", ())
    if period is not None:
        u_sql, u_params = _updated_sql(period, "c.id", "s.period_id")
    sql = (
        f"SELECT {keys}s.status, COUNT(*), COUNT(CASE WHEN {u_sql} THEN 1 END)"
        f" FROM ({c_sql}) c LEFT JOIN ({s_sql}) s ON s.commitment_id = c.id"
        f" GROUP BY {keys}s.status"
    )
    return sql, u_params + c_params + s_params


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
    many went ``up``, ``down`` or were reported ``first`` compared with ``periods[i - 1]``;
    ``updated[i]`` how many have an approved status reported in ``periods[i]`` itself.
    """

    periods: list[ReportingPeriod]  # chronological (by end date, then start date)
    commitments: int
    levels: list[dict[int, int]]
    moved: list[dict[str, int]]
    updated: list[int] = field(default_factory=list)

    def _index(self, period: ReportingPeriod) -> int | None:
        codes = [p.code for p in self.periods]
        return codes.index(period.code) if period.code in codes else None

    def stats(self, period: ReportingPeriod) -> Stats:
        """The Stats as of ``period``: equal to ``compute(period=period, ...).total``."""
        index = self._index(period)
        stats = _stats(list(self.levels[index].items()), self.updated[index])
        stats.commitments = self.commitments
        return stats

    def trend(self) -> list[tuple[ReportingPeriod, Stats]]:
        return [(period, self.stats(period)) for period in self.periods]

    def previous(self, period: ReportingPeriod) -> ReportingPeriod | None:
        index = self._index(period)
        return self.periods[index - 1] if index else None

    def moved_into(self, period: ReportingPeriod) -> dict[str, int]:
        """How many commitments went up, down or were first reported as of ``period`` compared
        with the period before it (every reported one is first when there is none before)."""
        return dict(self.moved[self._index(period)])


def _chronological(periods: list[ReportingPeriod] | None) -> list[ReportingPeriod]:
    if periods is None:
        periods = list(ReportingPeriod.objects.all())
    return sorted(periods, key=lambda p: (p.end_date, p.start_date))


def as_of_each_period_sql(
    periods: list[ReportingPeriod],
    queryset,
    filtered: bool,
    columns: list[int] | None = None,
    updated: bool = False,
) -> tuple[str, tuple]:
    """SQL of one row per commitment with approved rows: ``commitment_id`` and ``s<i>``, its
    status as of ``periods[i]`` (NULL: not reported), for each i in ``columns`` (default all);
    with ``updated`` also ``u<i>``: 1 when it has an approved row in ``periods[i]`` itself.

    One pass, no sort: the newest row of each commitment in each period
    (``selectors.newest_approved_per_period``, in the order of the index) is given
    its period's chronological rank r; the status as of ``periods[i]`` is the status of the row
    with the highest r among the periods that ended by then (``MAX(r × 8 + status)``, status
    below 8), which is ``selectors.status_as_of``'s rule. (``%%``: the SQL runs with parameters.)
    On SQLite, the same rows from lookups instead (``_as_of_each_period_sqlite``)."""
    chronological, rank, bound = _ranks(periods)
    wanted = range(len(periods)) if columns is None else columns
    if connection.vendor == "sqlite":
        return _as_of_each_period_sqlite(periods, queryset, wanted, updated)
    newest = selectors.newest_approved_per_period(
        periods=chronological, commitments=queryset if filtered else None
    )
    n_sql, n_params = _sql(newest.values("commitment_id", "period_id", "status"))
    when = " ".join(f"WHEN {int(pk)} THEN {int(r)}" for pk, r in rank.items())
    statuses = ", ".join(
        f"MAX(CASE WHEN x.r <= {int(bound[i])} THEN x.r * 8 + x.status END) %% 8 AS s{i}"
        for i in wanted
    )
    if updated:
        statuses += "".join(
            f", MAX(CASE WHEN x.r = {int(rank[periods[i].pk])} THEN 1 ELSE 0 END) AS u{i}"
            for i in wanted
        )
    # OFFSET 0 keeps the planner from pulling the subquery up, which would compute the rank
    # (a CASE over the periods) again inside each MAX: 1.3 s instead of 2.0 s at 100k
    sql = (
        f"SELECT x.commitment_id, {statuses} FROM ("
        f" SELECT n.commitment_id, n.status, CASE n.period_id {when} END AS r"
        f" FROM ({n_sql}) n OFFSET 0) x GROUP BY x.commitment_id"
    )
    return sql, n_params


def _ranks(periods: list[ReportingPeriod]) -> tuple[list[ReportingPeriod], dict[int, int], list]:
    """The periods in chronological order, the rank (from 1) of each period's id in it, and for
    each of ``periods`` the highest rank counted as of it: every period that ended no later
    (one ending the same day with a later start included)."""
    chronological = _chronological(periods)
    rank = {p.pk: r for r, p in enumerate(chronological, start=1)}
    bound = [max(rank[q.pk] for q in chronological if q.end_date <= p.end_date) for p in periods]
    return chronological, rank, bound


def _as_of_each_period_sqlite(periods, queryset, wanted, updated, keys=None) -> tuple[str, tuple]:
    """``as_of_each_period_sql`` on SQLite, the same rows, from lookups: each of ``queryset``'s
    commitments looks its newest approved row up in each period it needs
    (``selectors.newest_approved_in``: one probe of the partial index per commitment and
    period), in a subquery that ``LIMIT -1`` keeps SQLite from merging into the one around it
    (which would repeat the lookups at each use of their result). The status as of
    ``periods[i]`` is the first found, latest period first, among the periods up to its bound:
    ``MAX(r × 8 + status)``'s rule. SQLite ranks a million rows over a window 2-4× slower than
    it makes these lookups (docs/benchmarks.md).

    With ``keys`` (a list of columns of Commitment, maybe empty), every commitment of
    ``queryset``, reported or not, with those columns too: the timeline counts from it without
    a join."""
    chronological, rank, bound = _ranks(periods)
    need = max([bound[i] for i in wanted] + [rank[periods[i].pk] for i in wanted if updated])
    probes = {
        f"p{r}": Subquery(selectors.newest_approved_in(p).values("status")[:1])
        for r, p in enumerate(chronological[:need], start=1)
    }
    p_sql, p_params = _sql(queryset.values("id", *(keys or ())).annotate(**probes))
    statuses = [
        f"COALESCE({', '.join(f'x.p{r}' for r in range(bound[i], 0, -1))}, NULL) AS s{i}"
        for i in wanted
    ]
    if updated:
        statuses += [
            f"CASE WHEN x.p{rank[periods[i].pk]} IS NULL THEN 0 ELSE 1 END AS u{i}" for i in wanted
        ]
    selected = ", ".join(["x.id AS commitment_id", *(f"x.{k}" for k in keys or ()), *statuses])
    reported = (
        "" if keys is not None else " WHERE " + " OR ".join(f"x.{p} IS NOT NULL" for p in probes)
    )
    sql = f"SELECT {selected} FROM ({p_sql} LIMIT -1) x{reported} LIMIT -1"
    return sql, tuple(p_params)


def _timeline_query(
    periods: list[ReportingPeriod], filters: dict, dims: tuple[str, ...]
) -> list[tuple]:
    """Per group of ``dims`` (none: one row): the commitments, then for each period the count
    at each level 0-5, then for each period after the first the counts up, down, first, then
    for each period the count updated in it."""
    queryset = _filtered_commitments(**filters)
    columns = [DIMENSIONS[d][3] for d in dims]
    counts = ["COUNT(*)"]
    for i in range(len(periods)):
        counts += [f"COUNT(CASE WHEN a.s{i} = {level} THEN 1 END)" for level in LEVELS]
    for i in range(1, len(periods)):
        now, before = f"a.s{i}", f"a.s{i - 1}"
        counts += [
            f"COUNT(CASE WHEN {now} > {before} THEN 1 END)",
            f"COUNT(CASE WHEN {now} < {before} THEN 1 END)",
            f"COUNT(CASE WHEN {now} IS NOT NULL AND {before} IS NULL THEN 1 END)",
        ]
    counts += [f"COUNT(CASE WHEN a.u{i} = 1 THEN 1 END)" for i in range(len(periods))]
    if connection.vendor == "sqlite":  # every commitment with its columns, no join
        every = range(len(periods))
        a_sql, params = _as_of_each_period_sqlite(periods, queryset, every, True, keys=columns)
        source, keys = f"({a_sql}) a", ", ".join(f"a.{column}" for column in columns)
    else:
        c_sql, c_params = _sql(queryset.values("id", *columns))
        a_sql, a_params = as_of_each_period_sql(periods, queryset, _filtered(filters), updated=True)
        source = f"({c_sql}) c LEFT JOIN ({a_sql}) a ON a.commitment_id = c.id"
        keys, params = ", ".join(f"c.{column}" for column in columns), c_params + a_params
    sql = f"SELECT {keys + ', ' if keys else ''}{', '.join(counts)} FROM {source}" + (
        f" GROUP BY {keys}" if keys else ""
    )
    return _run(sql, params)


def _timeline(periods: list[ReportingPeriod], rows: list[tuple], n_dims: int) -> Timeline:
    n = len(periods)
    total = 0
    levels = [{level: 0 for level in LEVELS} for _ in periods]
    moved = [{"up": 0, "down": 0, "first": 0} for _ in periods]
    updated = [0 for _ in periods]
    for row in rows:
        values = row[n_dims:]
        total += values[0]
        for i in range(n):
            for j, level in enumerate(LEVELS):
                levels[i][level] += values[1 + i * len(LEVELS) + j]
        base = 1 + n * len(LEVELS)
        for i in range(1, n):
            up, down, first = values[base + (i - 1) * 3 : base + i * 3]
            moved[i]["up"] += up
            moved[i]["down"] += down
            moved[i]["first"] += first
        base += max(n - 1, 0) * 3
        for i in range(n):
            updated[i] += values[base + i]
    if periods:  # the first period: every reported commitment is a first report
        moved[0]["first"] = sum(levels[0].values())
    return Timeline(periods=periods, commitments=total, levels=levels, moved=moved, updated=updated)


def timeline(periods: list[ReportingPeriod] | None = None, **filters) -> Timeline:
    """The filtered commitments' statuses as of each of ``periods`` (default: all) and what
    moved into each, counted in the database in one query (``as_of_each_period_sql``; one more
    when ``periods`` is None), whatever the number of periods and rows."""
    periods = _chronological(periods)
    if not periods:
        total = _filtered_commitments(**filters).count()
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
    for row in rows:
        keys, values = tuple(row[:n_dims]), row[n_dims:]
        at = values[1 + index * len(LEVELS) : 1 + (index + 1) * len(LEVELS)]
        for level, count in zip(LEVELS, at, strict=True):
            if count:
                levels[(*keys, level)] = count
        if values[0] - sum(at):
            levels[(*keys, None)] = values[0] - sum(at)
        fresh = values[1 + n * len(LEVELS) + max(n - 1, 0) * 3 + index]
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
