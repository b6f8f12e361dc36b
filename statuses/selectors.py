"""Reads of statuses (selectors return plain data, never write)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from commitments.models import Commitment, CommitmentLink, LineageKind, NationalPlan
from mirps.sql import ids_in
from mirps.vocabulary import ReviewState, Route
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate

# How many editions back a status is carried along continued commitments (plan editions,
# issue 22): a commitment of the fifth edition still carries the first one's status.
CARRY_DEPTH = 4


def _latest_first(per: list[str]) -> list[str]:
    """``StatusUpdate.LATEST_FIRST`` within groups of ``per``: inside one period its end and
    start are the same for every row, so ordering by them would only add a join."""
    within_period = "period_id" in per
    return [
        name
        for name in StatusUpdate.LATEST_FIRST
        if not (within_period and name.lstrip("-").startswith("period__"))
    ]


def _restrict(updates: QuerySet, commitments) -> QuerySet:
    """``updates`` of ``commitments`` only (a Commitment queryset, or ids / instances)."""
    if commitments is None:
        return updates
    if isinstance(commitments, QuerySet):
        return updates.filter(commitment__in=commitments.order_by().values("pk"))
    ids = [getattr(c, "pk", c) for c in commitments]
    return updates.filter(commitment_id__in=ids_in(ids))


def newest(updates: QuerySet, per: Iterable[str] = ("commitment_id",)) -> QuerySet:
    """The newest of ``updates`` (by ``StatusUpdate.LATEST_FIRST``) for each value of ``per``.

    A StatusUpdate queryset with one row per group, computed in one pass: ``DISTINCT ON (per)``
    on PostgreSQL; ``ROW_NUMBER() OVER (PARTITION BY per ...) = 1`` elsewhere (SQLite), which
    Django wraps in a subquery. Filter ``updates`` before, not after: a later ``filter()``
    would choose among the matching rows; ``values()`` picks columns of the chosen rows.
    """
    per = list(per)
    order = _latest_first(per)
    if connections[updates.db].vendor == "postgresql":
        return updates.order_by(*per, *order).distinct(*per)
    by = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in order]
    ranked = updates.annotate(
        _newest=Window(RowNumber(), partition_by=[F(p) for p in per], order_by=by)
    )
    return ranked.filter(_newest=1).order_by()


def status_as_of(period: ReportingPeriod | None, *, commitments=None) -> QuerySet:
    """Each commitment's status as of ``period`` (latest if None): its newest approved row in
    ``period`` or before. One StatusUpdate per commitment that has one; ``commitments`` (a
    queryset or ids) limits the work to those."""
    return newest(_restrict(StatusUpdate.objects.counted().as_of(period), commitments))


@dataclass(frozen=True)
class Carried:
    """A status a commitment carries from the commitment it continues (plan editions): that
    commitment's status as of the period (``status``, reported in ``period``)."""

    status: int
    code: str  # the commitment it is carried from
    period: str  # the period that status was reported in

    def as_dict(self) -> dict:
        return {"status": self.status, "code": self.code, "period": self.period}


def carry_chains(commitment_ids) -> dict[int, list[int]]:
    """For each of ``commitment_ids`` that continues a commitment of the previous edition
    (``CommitmentLink.objects.one_to_one``: continued or reworded, never split or merged): the
    ids it may carry a status from, the nearest edition first (its predecessor, that one's
    predecessor, ..., at most ``CARRY_DEPTH``). One query (the one-to-one links)."""
    links = dict(CommitmentLink.objects.one_to_one().values_list("successor_id", "predecessor_id"))
    chains = {}
    for pk in commitment_ids:
        chain, current = [], pk
        while current in links and len(chain) < CARRY_DEPTH:
            current = links[current]
            chain.append(current)
        if chain:
            chains[pk] = chain
    return chains


def carried_as_of(period: ReportingPeriod | None, commitment_ids) -> dict[int, Carried]:
    """The set form of a carried status: for each of ``commitment_ids`` with no approved status
    of its own as of ``period`` that continues a commitment (``carry_chains``), the status of
    the nearest one in its chain that has one (``status_as_of``), as ``Carried``. What
    ``statuses.as_of`` counts (the same rule in SQL; a test compares them). Two queries."""
    ids = list(commitment_ids)
    chains = carry_chains(ids)
    wanted = set(chains) | {a for chain in chains.values() for a in chain}
    if not wanted:
        return {}
    rows = status_as_of(period, commitments=list(wanted)).values_list(
        "commitment_id", "status", "commitment__code", "period__code"
    )
    own = {pk: Carried(status, code, period_code) for pk, status, code, period_code in rows}
    carried = {}
    for pk, chain in chains.items():
        if pk in own:
            continue
        found = next((own[a] for a in chain if a in own), None)
        if found is not None:
            carried[pk] = found
    return carried


def predecessor_statuses(codes: list[str], period: ReportingPeriod | None) -> list[dict]:
    """Shown beside a split or merged successor (never counted as its status): each of its
    predecessors (``codes``, in that order) with its status as of ``period`` and the period
    it was reported in (None: not reported). One query."""
    rows = status_as_of(period, commitments=Commitment.objects.filter(code__in=codes))
    found = {
        code: (status, reported)
        for code, status, reported in rows.values_list("commitment__code", "status", "period__code")
    }
    shown = []
    for code in codes:
        status, reported = found.get(code, (None, None))
        shown.append({"code": code, "status": status, "period": reported})
    return shown


def statuses_beside(lineage, period: ReportingPeriod | None, *, reported: bool) -> list[dict]:
    """What a commitment's page shows beside a split or merged successor that is not reported
    (``reported``: it has a status counted, its own or carried): its predecessors' statuses as
    of ``period`` (``predecessor_statuses``, display only, never counted). ``lineage``:
    ``commitments.editions.lineage_of``'s. One query, only then; none otherwise."""
    if reported or lineage.kind not in (LineageKind.SPLIT, LineageKind.MERGED):
        return []
    return predecessor_statuses([p.code for p in lineage.predecessors], period)


def newest_in_period(period: ReportingPeriod, *, commitments=None) -> QuerySet:
    """Each commitment's newest row *in* ``period``, whatever its review state: the row a new
    status replaces (its id is the version an editor saw). One StatusUpdate per commitment."""
    return newest(_restrict(StatusUpdate.objects.filter(period=period), commitments))


def newest_approved_per_period(*, periods=None, commitments=None) -> QuerySet:
    """Each commitment's newest approved row in each period (one per commitment and period
    that has one), in index order. The status as of a period P is the one of these rows in the
    latest period (by end, then start) that ended by P's end: ``statuses.as_of`` (the rule in
    SQL, for the progress engine) takes it for one period or for every period at once.
    ``periods`` limits the periods read."""
    updates = _restrict(StatusUpdate.objects.counted(), commitments)
    if periods is not None:
        updates = updates.filter(period_id__in=[p.pk for p in periods])
    return newest(updates, per=("commitment_id", "period_id"))


def filter_by_status(commitments: QuerySet, period: ReportingPeriod | None, status) -> QuerySet:
    """``commitments`` whose status as of ``period`` is ``status``: a level (0-5, as a number or
    text), ``"reported"`` (any level) or ``"not_reported"``/``"none"`` (none); ``None`` or ``""``
    keeps them all. The status is the one the figures count: its own, else the one it carries
    from the commitment it continues (``carrying``). The own statuses are computed once, as a
    set, for these commitments only (on SQLite, looked up one by one)."""
    if status in (None, ""):
        return commitments
    if status in ("not_reported", "none"):
        return _by_own_status(commitments, period, status).exclude(
            pk__in=carrying(period, "reported")
        )
    own = _by_own_status(commitments, period, status).order_by().values("pk")
    return commitments.filter(Q(pk__in=own) | Q(pk__in=carrying(period, status)))


def carrying(period: ReportingPeriod | None, status) -> QuerySet:
    """The ids of the commitments with no status of their own as of ``period`` whose carried
    status (``with_carried``) is ``status`` (a level, or ``"reported"``: any). Only the
    commitments that continue one (one to one) are looked at: a subquery over a few rows."""
    continuing = Commitment.objects.filter(
        predecessor_links__in=CommitmentLink.objects.one_to_one()
    ).order_by()
    carried = with_carried(continuing, period).filter(
        current_status__isnull=True, carried_status__isnull=False
    )
    if status != "reported":
        carried = carried.filter(carried_status=int(status))
    return carried.values("pk")


def _by_own_status(commitments: QuerySet, period: ReportingPeriod | None, status) -> QuerySet:
    if connections[commitments.db].vendor == "sqlite":
        # SQLite looks each commitment's newest row up faster than it ranks every row
        statused = with_current_status(commitments, period)
        if status in ("not_reported", "none"):
            return statused.filter(current_status__isnull=True)
        if status == "reported":
            return statused.filter(current_status__isnull=False)
        return statused.filter(current_status=int(status))
    chosen = status_as_of(period, commitments=commitments)
    if status in ("not_reported", "none"):
        return commitments.exclude(pk__in=chosen.values("commitment_id"))
    if status == "reported":
        return commitments.filter(pk__in=chosen.values("commitment_id"))
    # the chosen rows at that level (filtering the set itself would choose among those rows)
    at_level = StatusUpdate.objects.filter(pk__in=chosen.values("id"), status=int(status))
    return commitments.filter(pk__in=at_level.values("commitment_id"))


def newest_subquery(
    period: ReportingPeriod | None, *, in_period: bool = False, outer: str = "pk"
) -> QuerySet:
    """The correlated form, for annotations: the newest row for the commitment ``OuterRef(outer)``,
    ordered newest first (slice ``[:1]``). Approved rows as of ``period``, or with
    ``in_period`` every row in ``period`` whatever its review state (the row a new status
    replaces; never a superseded one, since recording supersedes the rows before it)."""
    if in_period:
        updates = StatusUpdate.objects.filter(period=period)
        order = _latest_first(["period_id"])  # one period: no join to order by its dates
    else:
        updates = StatusUpdate.objects.counted().as_of(period)
        order = StatusUpdate.LATEST_FIRST
    return updates.filter(commitment=OuterRef(outer)).order_by(*order)


def newest_approved_in(period: ReportingPeriod, *, outer: str = "pk") -> QuerySet:
    """The correlated form of ``newest_approved_per_period`` for one period: the newest approved
    row *in* ``period`` for the commitment ``OuterRef(outer)``, newest first (slice ``[:1]``)."""
    updates = StatusUpdate.objects.counted().filter(period=period, commitment=OuterRef(outer))
    return updates.order_by(*_latest_first(["period_id"]))


def latest_period_with_data() -> ReportingPeriod | None:
    """The most recent period (``periods.models.CHRONOLOGICAL``) with an *approved* status
    (``counted``): the public pages' default. A submitted or returned row counts nothing in
    public, so it never makes its period the default."""
    # EXISTS per period (an index probe each), not a join with every status row
    has_rows = Exists(StatusUpdate.objects.counted().filter(period=OuterRef("pk")))
    return ReportingPeriod.objects.filter(has_rows).chronological().last()


def in_force_in_its_period() -> Exists:
    """For a query of status rows: whether the row's commitment is of the edition in force at
    the end of the row's period (``NationalPlan.objects.in_force``, a correlated subquery):
    what recording requires, and approving too (``statuses.review``)."""
    in_force = NationalPlan.objects.in_force(OuterRef("period__end_date"))
    return Exists(in_force.filter(pk=OuterRef("commitment__plan_id")))


def review_queue(*, country=None, period=None, focus_area=None):
    """Submitted updates awaiting review, of one country, period and focus area when given,
    ordered for display by country (the page groups them), plan order, then submission; each
    with ``in_force`` (``in_force_in_its_period``: False, it can be returned, not approved)."""
    queue = StatusUpdate.objects.pending().annotate(in_force=in_force_in_its_period())
    if country is not None:
        queue = queue.filter(commitment__country=country)
    if period is not None:
        queue = queue.filter(period=period)
    if focus_area is not None:
        queue = queue.filter(commitment__focus_area=focus_area)
    return queue.select_related("commitment__country", "period", "created_by").order_by(
        "commitment__country__name_en", "commitment__order", "created_at", "id"
    )


def earlier_returns(updates) -> dict[int, StatusUpdate]:
    """For submissions awaiting review, the returned row each answers: the newest earlier row
    of its commitment and period (superseded submissions aside) when that row was returned
    (who returned it, when, the comment). ``{update id: returned row}``; one query, none for
    an empty list."""
    updates = list(updates)
    if not updates:
        return {}
    history = (
        StatusUpdate.objects.filter(
            commitment_id__in={u.commitment_id for u in updates},
            period_id__in={u.period_id for u in updates},
            review_state__in=[ReviewState.APPROVED, ReviewState.RETURNED],
        )
        .select_related("reviewed_by")
        .only(
            "commitment_id",
            "period_id",
            "review_state",
            "created_at",
            "reviewed_at",
            "review_comment",
            "reviewed_by__username",
        )
        .order_by("created_at", "id")
    )
    by_pair: dict[tuple[int, int], list[StatusUpdate]] = {}
    for row in history:
        by_pair.setdefault((row.commitment_id, row.period_id), []).append(row)
    found = {}
    for update in updates:
        earlier = [
            row
            for row in by_pair.get((update.commitment_id, update.period_id), [])
            if (row.created_at, row.pk) < (update.created_at, update.pk)
        ]
        if earlier and earlier[-1].review_state == ReviewState.RETURNED:
            found[update.pk] = earlier[-1]
    return found


# --- Commitments annotated with their status ----------------------------------------------
# The correlated form of the rule above: one subquery per commitment for the newest row's id
# and a join on that id for its columns, which suits pages of commitments (the progress engine
# reads the set form instead).


def _ancestor(depth: int, outer: str) -> Q:
    """Status rows of the commitment ``depth`` one-to-one links before ``OuterRef(outer)``: its
    id is read by one scalar subquery joining the chain of links (each successor has at most
    one one-to-one predecessor), so the rows are found through the index by commitment rather
    than by reading every approved row (what a join of the links in the status query made
    SQLite and PostgreSQL do); the links are joined, not nested, so the SQL nests no deeper
    for a longer chain (SQLite's parser has a limit)."""
    one_to_one = CommitmentLink.objects.one_to_one().order_by()
    condition = {"pk__in": one_to_one.values("pk")}
    path = "successor"
    for _ in range(depth - 1):
        condition[f"{path}__successor_links__in"] = one_to_one.values("pk")
        path = f"{path}__successor_links__successor"
    condition[path] = OuterRef(OuterRef(outer))
    ids = CommitmentLink.objects.filter(**condition).order_by().values("predecessor_id")[:1]
    return Q(commitment_id=Subquery(ids))


def carried_subquery(period: ReportingPeriod | None, column: str, *, outer: str = "pk"):
    """The correlated form of ``carried_as_of``: ``column`` (e.g. ``"status"``,
    ``"commitment__code"``, ``"period__code"``) of the status row the commitment
    ``OuterRef(outer)`` would carry as of ``period``: the newest approved row as of it of the
    nearest commitment of its one-to-one chain that has one, whether or not it has a status of
    its own (``with_carried`` takes it only when it has none)."""
    updates = StatusUpdate.objects.counted().as_of(period)
    nearest = [
        Subquery(
            updates.filter(_ancestor(depth, outer))
            .order_by(*StatusUpdate.LATEST_FIRST)
            .values(column)[:1]
        )
        for depth in range(1, CARRY_DEPTH + 1)
    ]
    return Coalesce(*nearest)


def with_status(commitments: QuerySet, period: ReportingPeriod | None = None) -> QuerySet:
    """Annotate each commitment with its status as of ``period`` (latest if None).

    Adds ``current_status`` (0-5 or None for not reported), ``current_period`` (code of the
    period the status belongs to), ``current_narrative`` and ``current_source``: the
    columns of one row, found once per commitment (``selectors.newest_subquery``) and
    joined, so the whole list stays one query whatever its length. ``with_carried`` adds the
    status a commitment carries from the one it continues (what the figures count).
    """
    newest = Subquery(newest_subquery(period).values("id")[:1])
    return commitments.annotate(
        shown_update=FilteredRelation("updates", condition=Q(updates__id=newest)),
        current_status=F("shown_update__status"),
        current_period=F("shown_update__period__code"),
        current_narrative=F("shown_update__narrative"),
        current_source=F("shown_update__source"),
    )


def with_carried(commitments: QuerySet, period: ReportingPeriod | None = None) -> QuerySet:
    """``with_status`` (its annotations, which it adds) and, for a commitment that continues
    one of the previous edition, the status it carries as of ``period``
    (``carried_subquery``): ``carried_status`` (None when it has a status of its own, or
    nothing to carry), ``carried_from`` (the code of the commitment it is carried from) and
    ``carried_period`` (the period it was reported in). ``shown_status``: the status the
    figures count, its own, else the carried one. Still one query."""
    if "current_status" not in commitments.query.annotations:
        commitments = with_status(commitments, period)
    columns = {
        "carried_status": ("status", IntegerField()),
        "carried_from": ("commitment__code", CharField()),
        "carried_period": ("period__code", CharField()),
    }
    # its own status, or no predecessor at all (most commitments: one look-up of the links'
    # index), and the carried status is not looked for
    nothing_to_carry = Q(current_status__isnull=False) | ~Exists(
        CommitmentLink.objects.filter(successor=OuterRef("pk"))
    )
    return commitments.annotate(
        **{
            name: Case(
                When(nothing_to_carry, then=Value(None)),
                default=carried_subquery(period, column),
                output_field=field,
            )
            for name, (column, field) in columns.items()
        },
        shown_status=Coalesce(F("current_status"), F("carried_status")),
    )


def with_current_status(commitments: QuerySet, period: ReportingPeriod | None = None) -> QuerySet:
    """Only the status column of ``with_status`` (one subquery, no join)."""
    return commitments.annotate(
        current_status=Subquery(newest_subquery(period).values("status")[:1])
    )


def with_workspace_state(commitments: QuerySet, period: ReportingPeriod) -> QuerySet:
    """Annotate what the workspace needs for editing ``period`` (beside ``with_status``).

    ``version``: id of the newest row for this commitment *in* ``period`` (any review state;
    0 if none), which an edit form sends back so a concurrent change is detected;
    ``latest_state``/``latest_status``/``latest_by``: that row's review state, status and
    author; ``pending_status``: the status awaiting review in ``period``, if any (a
    submission is always the newest row of its period: recording a new row supersedes it).
    """
    newest = Subquery(newest_subquery(period, in_period=True).values("id")[:1])
    return commitments.annotate(
        edited_update=FilteredRelation("updates", condition=Q(updates__id=newest)),
        version=Coalesce(F("edited_update__id"), 0),
        latest_state=F("edited_update__review_state"),
        latest_status=F("edited_update__status"),
        latest_by=F("edited_update__created_by__username"),
        pending_status=Case(
            When(
                edited_update__review_state=ReviewState.SUBMITTED,
                then=F("edited_update__status"),
            )
        ),
    )


def demo_data_present() -> bool:
    """Whether any synthetic demo status is loaded. One query answered from the partial index
    ``status_update_demo_rows`` (it never scans the table); the public pages cache it with the
    figures (``reports.cache.cached_demo_flag``)."""
    return StatusUpdate.objects.filter(source=Route.DEMO).exists()


def periods_and_demo_flag() -> tuple[list[ReportingPeriod], bool]:
    """Every reporting period (unordered) and ``demo_data_present()``, in one query: the flag
    rides on each period's row as an uncorrelated ``EXISTS`` (evaluated once by the database,
    from the partial index ``status_update_demo_rows``). Without periods there is no status
    row at all, so no demo data either. What a cold progress request needs before its
    aggregate (the period asked for is checked against the list, and the periods' ranks are
    written into the aggregate's SQL)."""
    demo = Exists(StatusUpdate.objects.filter(source=Route.DEMO))
    periods = list(ReportingPeriod.objects.order_by().annotate(demo_data=demo))
    return periods, bool(periods and periods[0].demo_data)
