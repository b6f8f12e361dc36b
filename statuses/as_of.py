"""The status of a commitment as of a period, written as SQL: what the progress engine
(``reports/progress.py``) builds its queries from. No other module writes this rule in SQL.

The rule (``selectors.status_as_of`` is its ORM form; a test compares the two on both backends):
a commitment's status as of period P is its newest *approved* row in P or in any period that
ended no later than P: the latest period first (by end date, then start date), then, within a
period, the newest recorded (``created_at``, then ``id``): ``StatusUpdate.LATEST_FIRST``.

In SQL each period is given its rank in that order (``AsOfOrder``, from one query listing the
periods, ``periods_up_to``), and the status as of P is the status of the row of highest rank
among the periods that ended by P's end. The ranks are written into the SQL as literals: a
``CASE`` over a handful of periods costs nothing per row, where a lookup of the rank in the
database (a join to the periods, or an array built by a sub-select) costs as much as the
whole sort the rank saves (docs/benchmarks.md). Per backend, the shape that is fastest there:

* **PostgreSQL**: each commitment's newest approved row *per period* is read in the order of
  the partial index ``status_update_approved_newest`` (``DISTINCT ON (commitment, period)``,
  ``selectors.newest_approved_per_period``: no sort), and grouped per commitment as it streams
  (``MAX(rank × 8 + status)``: the row of the latest period; status 0-5 is below 8). No sort of
  the status rows, no hash of them: 0.7× the time of ``DISTINCT ON (commitment)`` ordered by
  the periods' dates.
* **SQLite**: each commitment looks its newest approved row up period by period, latest period
  first, and stops at the first it finds (``COALESCE`` of ``selectors.newest_approved_in``
  probes, one seek in the partial index each): a tenth of the time of one correlated lookup
  sorted by the periods' dates, or of a window over every row.

``status_as_of_sql`` gives the status as of one period; ``as_of_each_period_sql`` as of several
periods at once (the timeline: trend, what moved).

**Carried statuses (plan editions, issue 22).** A commitment with no approved row of its own by
P that *continues* one commitment of the previous edition (one-to-one: continued or reworded,
``CommitmentLink.objects.one_to_one``) takes that predecessor's status as of P, through a chain
of such links over several editions (the nearest edition first, at most ``CARRY_DEPTH`` back):
counted as its status, never as updated in P. Split and merged successors carry nothing. In
SQL: the chain (``carry_chain_sql``, a recursive query over the one-to-one links) joined to the
predecessors' own statuses, computed by the same functions (``carry=False``), the nearest
edition's kept (``MIN(depth × 8 + status)``), used when the commitment has none of its own
(``COALESCE``). Its ORM form is ``selectors.carried_as_of`` (set) and the ``carried_*``
annotations of ``selectors.with_status`` (correlated). Two periods with the same start *and* end
dates are ranked by id (the ORM form would compare their rows' ``created_at``); the periods of
a plan never share both dates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from commitments.models import Commitment, CommitmentLink
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.selectors import CARRY_DEPTH, newest_approved_in, newest_approved_per_period

# status < LEVELS_SPAN, so rank × LEVELS_SPAN + status orders by rank, then keeps the status
LEVELS_SPAN = 8
# a typed NULL (an untyped one is text to PostgreSQL, which then refuses ``= 1``)
NO_NUMBER = "CAST(NULL AS INTEGER)"


@dataclass(frozen=True)
class AsOfOrder:
    """Periods in the rule's order, oldest first (end date, then start date, then id), and the
    rank of each (from 1)."""

    periods: tuple[ReportingPeriod, ...]

    @classmethod
    def of(cls, periods) -> AsOfOrder:
        return cls(tuple(sorted(periods, key=lambda p: (p.end_date, p.start_date, p.pk))))

    def rank(self, period: ReportingPeriod) -> int:
        return next(r for r, p in enumerate(self.periods, start=1) if p.pk == period.pk)

    def bound(self, period: ReportingPeriod | None) -> int:
        """The highest rank counted as of ``period`` (None: the latest): every period that ended
        no later (one ending the same day with a later start included)."""
        if period is None:
            return len(self.periods)
        return max(
            (r for r, p in enumerate(self.periods, start=1) if p.end_date <= period.end_date),
            default=0,
        )

    def case(self, column: str) -> str:
        """SQL: the rank of the period whose id is in ``column`` (NULL for any other)."""
        if not self.periods:
            return "NULL"
        whens = " ".join(f"WHEN {int(p.pk)} THEN {r}" for r, p in enumerate(self.periods, 1))
        return f"CASE {column} {whens} END"

    @property
    def key(self) -> tuple:
        """What SQL built from this order depends on (a statement cache's key)."""
        return tuple((p.pk, p.end_date, p.start_date) for p in self.periods)


def periods_up_to(period: ReportingPeriod | None) -> AsOfOrder:
    """The periods whose rows count as of ``period`` (None: every period), in order. One query."""
    periods = ReportingPeriod.objects.order_by()
    if period is not None:
        periods = periods.filter(end_date__lte=period.end_date)
    return AsOfOrder.of(periods.only("id", "code", "start_date", "end_date"))


def periods_up_to_among(period: ReportingPeriod | None, periods) -> AsOfOrder:
    """``periods_up_to(period)`` from ``periods``, every reporting period already read (e.g.
    with the request's other reference data). No query."""
    if period is None:
        return AsOfOrder.of(periods)
    return AsOfOrder.of(p for p in periods if p.end_date <= period.end_date)


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def carry_chain_sql() -> tuple[str, tuple]:
    """SQL of the chains of one-to-one links (``CommitmentLink.objects.one_to_one``): one row
    ``(ancestor_id, descendant_id, depth)`` for each commitment that continues another,
    directly (depth 1: its predecessor) or through continued commitments of the editions in
    between (depth 2, 3, ... up to ``CARRY_DEPTH``). A recursive query, the same on
    PostgreSQL and SQLite."""
    links = CommitmentLink.objects.one_to_one().order_by().values("predecessor_id", "successor_id")
    l_sql, l_params = _sql(links)
    sql = (
        f"WITH RECURSIVE one_to_one (p, s) AS ({l_sql}),"
        " chain (ancestor_id, descendant_id, depth) AS ("
        " SELECT o.p, o.s, 1 FROM one_to_one o UNION ALL"
        " SELECT o.p, ch.descendant_id, ch.depth + 1 FROM one_to_one o"
        f" JOIN chain ch ON o.s = ch.ancestor_id WHERE ch.depth < {CARRY_DEPTH})"
        " SELECT ch.ancestor_id, ch.descendant_id, ch.depth FROM chain ch"
    )
    return sql, l_params


def _ancestors():
    """The commitments a status may be carried from: every predecessor of a one-to-one link."""
    links = CommitmentLink.objects.one_to_one().values("predecessor_id")
    return Commitment.objects.filter(pk__in=links).order_by()


def _carried_sql(period, order: AsOfOrder) -> tuple[str, tuple]:
    """SQL of ``(descendant_id, status)``: the status a commitment carries as of ``period``
    from the nearest of its one-to-one ancestors with a status (``carry_chain_sql``)."""
    ch_sql, ch_params = carry_chain_sql()
    a_sql, a_params = status_as_of_sql(period, _ancestors(), order=order, carry=False)
    sql = (
        f"SELECT ch.descendant_id, MIN(ch.depth * {LEVELS_SPAN} + a.status) %% {LEVELS_SPAN}"
        f" AS status FROM ({ch_sql}) ch JOIN ({a_sql}) a ON a.id = ch.ancestor_id"
        " WHERE a.status IS NOT NULL GROUP BY ch.descendant_id"
    )
    return sql, ch_params + a_params


def status_as_of_sql(
    period: ReportingPeriod | None,
    commitments: QuerySet | None = None,
    *,
    keys: tuple[str, ...] | list[str] = (),
    order: AsOfOrder | None = None,
    carry: bool = True,
    base: QuerySet | None = None,
    mark_carried: bool = False,
) -> tuple[str, tuple]:
    """SQL (and parameters) of one row per commitment of ``commitments`` (a Commitment queryset;
    None: all, read without restriction): ``id``, the columns ``keys`` of Commitment, ``status``
    as of ``period`` (0-5; NULL: not reported; None: the latest) and ``updated``: 1 when it has
    an approved row in ``period`` itself, else 0 (NULL without a period). ``order``: the
    periods' ranks (``periods_up_to(period)``), when the caller has them; else one query.

    ``carry``: a commitment with no status of its own takes the one it carries from the
    commitment it continues (module docstring); ``mark_carried`` adds the column ``carried``
    (1 when the status is carried). ``base``: the rows are those of ``base`` (e.g. the
    commitments in force at the period's end), while ``commitments`` still limits the status
    rows read (so the caller keeps the plan it had)."""
    if order is None:
        order = periods_up_to(period)
    if carry:
        return _with_carried(period, commitments, list(keys), order, base, mark_carried)
    counted = order.periods[: order.bound(period)]
    if connection.vendor == "sqlite":
        return _status_as_of_sqlite(period, commitments, list(keys), order, counted, base)
    source = _source(commitments, base)
    c_sql, c_params = _sql(source.values("id", *keys))
    columns = "".join(f"c.{key}, " for key in keys)
    updated = NO_NUMBER if period is None else "COALESCE(s.updated, 0)"
    if not counted:  # no period ended by then: nothing is reported
        return (
            f"SELECT c.id, {columns}{NO_NUMBER} AS status, {updated} AS updated FROM ({c_sql}) c",
            (c_params),
        )
    newest = newest_approved_per_period(
        periods=None if period is None else counted, commitments=commitments
    )
    n_sql, n_params = _sql(newest.values("commitment_id", "period_id", "status"))
    fresh = (
        NO_NUMBER if period is None else f"MAX(CASE WHEN n.period_id = {int(period.pk)} THEN 1 END)"
    )
    # one row per commitment and period in index order, grouped per commitment as it streams;
    # MAX(rank × 8 + status) %% 8: the status of the latest period's row (%% for the driver)
    statuses = (
        f"SELECT n.commitment_id, MAX({order.case('n.period_id')} * {LEVELS_SPAN} + n.status)"
        f" %% {LEVELS_SPAN} AS status, {fresh} AS updated FROM ({n_sql}) n GROUP BY n.commitment_id"
    )
    sql = (
        f"SELECT c.id, {columns}s.status, {updated} AS updated"
        f" FROM ({c_sql}) c LEFT JOIN ({statuses}) s ON s.commitment_id = c.id"
    )
    return sql, c_params + n_params


def _source(commitments, base):
    if base is not None:
        return base.order_by()
    return Commitment.objects.order_by() if commitments is None else commitments.order_by()


def _with_carried(period, commitments, keys, order, base, mark) -> tuple[str, tuple]:
    """``status_as_of_sql`` with the carried statuses (module docstring)."""
    o_sql, o_params = status_as_of_sql(
        period, commitments, keys=keys, order=order, carry=False, base=base
    )
    k_sql, k_params = _carried_sql(period, order)
    columns = "".join(f"o.{key}, " for key in keys)
    carried = (
        ", CASE WHEN o.status IS NULL AND k.status IS NOT NULL THEN 1 ELSE 0 END AS carried"
        if mark
        else ""
    )
    sql = (
        f"SELECT o.id, {columns}COALESCE(o.status, k.status) AS status, o.updated{carried}"
        f" FROM ({o_sql}) o LEFT JOIN ({k_sql}) k ON k.descendant_id = o.id"
    )
    return sql, o_params + k_params


def _probe(period: ReportingPeriod, rank: int) -> Subquery:
    """The newest approved row in ``period`` of the commitment ``OuterRef("pk")``, as
    rank × 8 + status (one seek in the partial index)."""
    row = newest_approved_in(period).annotate(
        ranked=Value(rank * LEVELS_SPAN, output_field=IntegerField()) + F("status")
    )
    return Subquery(row.values("ranked")[:1], output_field=IntegerField())


def _status_as_of_sqlite(period, commitments, keys, order, counted, base) -> tuple[str, tuple]:
    """``status_as_of_sql`` on SQLite: the probes, latest period first, the first found wins
    (SQLite's COALESCE stops there). ``LIMIT -1`` keeps SQLite from merging the subquery into
    the query around it, which would repeat the probes at each use of their result."""
    source = _source(commitments, base)
    probes = [_probe(p, r) for r, p in reversed(list(enumerate(counted, start=1)))]
    if not probes:
        found = Value(None, output_field=IntegerField())
    elif len(probes) == 1:
        found = probes[0]
    else:
        found = Coalesce(*probes, output_field=IntegerField())
    p_sql, p_params = _sql(source.values("id", *keys).annotate(found=found))
    columns = "".join(f"x.{key}, " for key in keys)
    if period is None:
        updated = NO_NUMBER
    else:
        # the row found is of ``period`` itself, or of a later-ranked period ending the same
        # day (2024-H2 over 2024): only then is the row in ``period`` looked up
        rank = order.rank(period)
        table = StatusUpdate._meta.db_table
        updated = f"CASE WHEN x.found / {LEVELS_SPAN} = {rank} THEN 1"
        if order.bound(period) > rank:
            updated += (
                f" WHEN x.found / {LEVELS_SPAN} > {rank} AND EXISTS (SELECT 1 FROM {table} u"
                f" WHERE u.commitment_id = x.id AND u.period_id = {int(period.pk)}"
                " AND u.review_state = 'approved') THEN 1"
            )
        updated += " ELSE 0 END"
    sql = (
        f"SELECT x.id, {columns}x.found %% {LEVELS_SPAN} AS status, {updated} AS updated"
        f" FROM ({p_sql} LIMIT -1) x"
    )
    return sql, p_params


def as_of_each_period_sql(
    periods: list[ReportingPeriod],
    queryset,
    filtered: bool,
    columns: list[int] | None = None,
    updated: bool = False,
    keys: list[str] | None = None,
    carry: bool = True,
) -> tuple[str, tuple]:
    """SQL of one row per commitment with approved rows: ``commitment_id`` and ``s<i>``, its
    status as of ``periods[i]`` (NULL: not reported), for each i in ``columns`` (default all);
    with ``updated`` also ``u<i>``: 1 when it has an approved row in ``periods[i]`` itself.
    With ``carry`` (module docstring), a commitment with no status of its own as of
    ``periods[i]`` has the one it carries in ``s<i>`` (never in ``u<i>``), and the rows are
    those of the commitments with a status of their own or carried.

    One pass, no sort: the newest row of each commitment in each period
    (``newest_approved_per_period``, in the order of the index) is given its period's rank r;
    the status as of ``periods[i]`` is the status of the row with the highest r among the
    periods that ended by then (``MAX(r × 8 + status)``). On SQLite, the same rows from lookups
    instead (``_as_of_each_period_sqlite``). ``periods`` must hold every period that ended
    before the latest of them (the timeline passes them all).

    With ``keys`` (columns of Commitment, maybe none): one row for every commitment of
    ``queryset``, reported or not, with those columns too (the timeline counts from it)."""
    wanted = range(len(periods)) if columns is None else list(columns)
    if carry:
        return _each_with_carried(periods, queryset, filtered, wanted, updated, keys)
    order = AsOfOrder.of(periods)
    if connection.vendor == "sqlite":
        return _as_of_each_period_sqlite(periods, queryset, wanted, updated, keys)
    newest = newest_approved_per_period(
        periods=order.periods, commitments=queryset if filtered else None
    )
    n_sql, n_params = _sql(newest.values("commitment_id", "period_id", "status"))
    bound = [order.bound(periods[i]) for i in range(len(periods))]
    statuses = ", ".join(
        f"MAX(CASE WHEN x.r <= {int(bound[i])} THEN x.r * {LEVELS_SPAN} + x.status END)"
        f" %% {LEVELS_SPAN} AS s{i}"
        for i in wanted
    )
    if updated:
        statuses += "".join(
            f", MAX(CASE WHEN x.r = {order.rank(periods[i])} THEN 1 ELSE 0 END) AS u{i}"
            for i in wanted
        )
    # OFFSET 0 keeps the planner from pulling the subquery up, which would compute the rank
    # (a CASE over the periods) again inside each MAX: 1.3 s instead of 2.0 s at 100k
    sql = (
        f"SELECT x.commitment_id, {statuses} FROM ("
        f" SELECT n.commitment_id, n.status, {order.case('n.period_id')} AS r"
        f" FROM ({n_sql}) n OFFSET 0) x GROUP BY x.commitment_id"
    )
    if keys is None:
        return sql, n_params
    c_sql, c_params = _sql(queryset.order_by().values("id", *keys))
    names = [f"a.s{i}" for i in wanted] + ([f"a.u{i}" for i in wanted] if updated else [])
    selected = ", ".join(["c.id AS commitment_id", *(f"c.{k}" for k in keys), *names])
    joined = f"SELECT {selected} FROM ({c_sql}) c LEFT JOIN ({sql}) a ON a.commitment_id = c.id"
    return joined, c_params + n_params


def _as_of_each_period_sqlite(periods, queryset, wanted, updated, keys=None) -> tuple[str, tuple]:
    """``as_of_each_period_sql`` on SQLite, the same rows, from lookups: each of ``queryset``'s
    commitments looks its newest approved row up in each period it needs
    (``newest_approved_in``: one probe of the partial index per commitment and period), in a
    subquery that ``LIMIT -1`` keeps SQLite from merging into the one around it (which would
    repeat the lookups at each use of their result). The status as of ``periods[i]`` is the
    first found, latest period first, among the periods up to its bound: ``MAX(r × 8 +
    status)``'s rule.

    With ``keys`` (a list of columns of Commitment, maybe empty), every commitment of
    ``queryset``, reported or not, with those columns too: the timeline counts from it without
    a join."""
    order = AsOfOrder.of(periods)
    bound = [order.bound(periods[i]) for i in range(len(periods))]
    need = max([bound[i] for i in wanted] + [order.rank(periods[i]) for i in wanted if updated])
    probes = {
        f"p{r}": Subquery(newest_approved_in(p).values("status")[:1])
        for r, p in enumerate(order.periods[:need], start=1)
    }
    p_sql, p_params = _sql(queryset.values("id", *(keys or ())).annotate(**probes))
    statuses = [
        f"COALESCE({', '.join(f'x.p{r}' for r in range(bound[i], 0, -1))}, NULL) AS s{i}"
        for i in wanted
    ]
    if updated:
        statuses += [
            f"CASE WHEN x.p{order.rank(periods[i])} IS NULL THEN 0 ELSE 1 END AS u{i}"
            for i in wanted
        ]
    selected = ", ".join(["x.id AS commitment_id", *(f"x.{k}" for k in keys or ()), *statuses])
    reported = (
        "" if keys is not None else " WHERE " + " OR ".join(f"x.{p} IS NOT NULL" for p in probes)
    )
    sql = f"SELECT {selected} FROM ({p_sql} LIMIT -1) x{reported} LIMIT -1"
    return sql, tuple(p_params)


def _each_with_carried(periods, queryset, filtered, wanted, updated, keys) -> tuple[str, tuple]:
    """``as_of_each_period_sql`` with the carried statuses: each commitment's own (every
    commitment of ``queryset``), then, for those that continue another, the status carried
    from the nearest ancestor with one, period by period (``MIN(depth × 8 + status)``)."""
    o_sql, o_params = as_of_each_period_sql(
        periods, queryset, filtered, wanted, updated, keys or [], carry=False
    )
    ch_sql, ch_params = carry_chain_sql()
    a_sql, a_params = as_of_each_period_sql(periods, _ancestors(), True, wanted, carry=False)
    carried = ", ".join(
        f"MIN(CASE WHEN a.s{i} IS NOT NULL THEN ch.depth * {LEVELS_SPAN} + a.s{i} END)"
        f" %% {LEVELS_SPAN} AS k{i}"
        for i in wanted
    )
    k_sql = (
        f"SELECT ch.descendant_id, {carried} FROM ({ch_sql}) ch"
        f" JOIN ({a_sql}) a ON a.commitment_id = ch.ancestor_id GROUP BY ch.descendant_id"
    )
    selected = ", ".join(
        ["o.commitment_id", *(f"o.{k}" for k in keys or ())]
        + [f"COALESCE(o.s{i}, k.k{i}) AS s{i}" for i in wanted]
        + ([f"o.u{i}" for i in wanted] if updated else [])
    )
    sql = (
        f"SELECT {selected} FROM ({o_sql}) o"
        f" LEFT JOIN ({k_sql}) k ON k.descendant_id = o.commitment_id"
    )
    if keys is None:  # only the commitments with a status, own or carried
        sql += " WHERE " + " OR ".join(f"o.s{i} IS NOT NULL OR k.k{i} IS NOT NULL" for i in wanted)
    return sql, o_params + ch_params + a_params
