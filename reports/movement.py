"""What moved since the previous period: commitments whose approved status went up, went down,
or was reported for the first time.

For a period P, the previous period is the latest one that ended before P ended
(``periods.models.previous_among``: 2024-H2's is 2024-H1, not 2024, which ends the same day).
Each commitment's status as of P is compared with its status as of the previous period (both
"the latest approved status reported in that period or before", ``statuses.selectors``):
higher is *up*, lower is *down*, none before and one now is *first report*. Unchanged statuses
are not listed. With no previous period, every reported commitment is a first report.

Plan editions (issue 22): the commitments are those ``P`` counts (its editions); a commitment
that continues one of the previous edition (one to one) had, before its first own report, the
status it carried from that predecessor, so its first report moved up, down or not against
the predecessor's (named: ``compared_with``); a split or merged one is a first report.

Both are computed in the database: the counts come with the trend (``progress.Timeline``, no
extra query); the list (``page``) compares each commitment's statuses as of the two periods
(``progress.as_of_each_period_sql``) and is ordered and cut to a page there, so a period in
which 30,000 commitments moved costs a page of rows, not 30,000 objects.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, CharField, Exists, Value, When

from commitments.models import Commitment, FocusArea
from countries.models import Country
from periods.models import ReportingPeriod, chronological, previous_among
from reports import progress
from statuses.selectors import carried_subquery, newest_subquery, with_status

KINDS = ("up", "down", "first")
# How many moved commitments a page of /changes/ lists (the export has them all).
PAGE_SIZE = 100


def summary(timeline: progress.Timeline, period: ReportingPeriod | None) -> dict:
    """The counts of what moved into ``period`` (``{"period", "previous", "up", "down",
    "first", "count"}``), from the trend's timeline: no query."""
    if period is None or period.code not in {p.code for p in timeline.periods}:
        return {"period": None, "previous": None, "up": 0, "down": 0, "first": 0, "count": 0}
    previous = timeline.previous(period)
    counts = timeline.moved_into(period)
    return {
        "period": period.code,
        "previous": previous.code if previous else None,
        **counts,
        "count": sum(counts.values()),
    }


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def page(
    period: ReportingPeriod | None,
    periods: list[ReportingPeriod],
    *,
    limit: int | None = PAGE_SIZE,
    offset: int = 0,
    country: str | None = None,
    pillar: int | None = None,
    focus_area: str | None = None,
) -> dict:
    """The commitments that moved into ``period``, ``limit`` at a time (None: all), ordered by
    country, then up/down/first, then focus area and order in the plan.

    Returns ``{"period", "previous", "up", "down", "first", "count", "rows", "offset"}``: the
    counts of ``summary`` and ``rows``, each a dict with the commitment, ``kind``, ``from``,
    ``to``, and the period and narrative of the row that set the status. Two queries: the
    moved commitments (statuses as of both periods from ``progress.as_of_each_period_sql``,
    compared, ordered and cut to the page in the database), and their details.
    """
    ordered = chronological(periods)
    codes = [p.code for p in ordered]
    empty = {"period": None, "previous": None, "rows": [], "offset": offset, "count": 0}
    empty.update({kind: 0 for kind in KINDS})
    if period is None or period.code not in codes:
        return empty
    index = codes.index(period.code)
    previous = previous_among(ordered, ordered[index])
    before_index = codes.index(previous.code) if previous else None
    empty.update({"period": period.code, "previous": previous.code if previous else None})
    filters = {"country": country, "pillar": pillar, "focus_area": focus_area}
    # the commitments ``period`` counts: its editions (issue 22)
    commitments = progress.in_force(period, **filters)
    columns = [before_index, index] if previous else [index]
    a_sql, a_params = progress.as_of_each_period_sql(
        ordered, commitments, progress._filtered(filters), columns=columns
    )
    now = f"a.s{index}"
    before = f"a.s{before_index}" if previous else "NULL"
    q = connection.ops.quote_name
    sql = f"""
        SELECT m.commitment_id, m.kind, m.s_before, m.s_now,
               SUM(CASE WHEN m.kind = 0 THEN 1 ELSE 0 END) OVER (),
               SUM(CASE WHEN m.kind = 1 THEN 1 ELSE 0 END) OVER (),
               SUM(CASE WHEN m.kind = 2 THEN 1 ELSE 0 END) OVER ()
        FROM (
            SELECT a.commitment_id, {before} AS s_before, {now} AS s_now,
                   CASE WHEN {before} IS NULL THEN 2 WHEN {now} > {before} THEN 0 ELSE 1 END
                   AS kind
            FROM ({a_sql}) a
            WHERE {now} IS NOT NULL AND ({before} IS NULL OR {now} <> {before})
        ) m
        JOIN {_table(Commitment)} c ON c.id = m.commitment_id
        JOIN {_table(Country)} co ON co.id = c.country_id
        JOIN {_table(FocusArea)} fa ON fa.id = c.focus_area_id
        ORDER BY co.iso3, m.kind, fa.{q("order")}, c.{q("order")}, c.code
    """
    params = a_params
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += (limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched:
        if not offset:
            return empty
        whole = page(period, periods, limit=1, offset=0, **filters)  # past the last page
        whole.update({"rows": [], "offset": offset})
        return whole
    result = dict(empty)
    _id, _kind, _before, _now, n_up, n_down, n_first = fetched[0]
    result.update({"up": int(n_up), "down": int(n_down), "first": int(n_first)})
    result["count"] = result["up"] + result["down"] + result["first"]
    details = _details([row[0] for row in fetched], period, previous)
    result["rows"] = [
        {**details[commitment_id], "kind": KINDS[kind], "from": was, "to": now_}
        for commitment_id, kind, was, now_, *_counts in fetched
    ]
    return result


def _compared_with(previous: ReportingPeriod | None):
    """The code of the commitment whose status a moved one is compared with, when it is not
    its own: the predecessor (of the previous edition) it carried that status from as of
    ``previous`` (``statuses.selectors.carried_subquery``); None otherwise."""
    if previous is None:
        return Value(None, output_field=CharField())
    own = Exists(newest_subquery(previous))
    return Case(
        When(own, then=Value(None)),
        default=carried_subquery(previous, "commitment__code"),
        output_field=CharField(),
    )


def _details(
    ids: list[int], period: ReportingPeriod, previous: ReportingPeriod | None = None
) -> dict[int, dict]:
    """What a moved commitment shows: code, text, country, pillar, focus area, the period
    and narrative of its status as of ``period``, and ``compared_with``: the predecessor
    its status was compared with, for a commitment that continues one of the previous
    edition and had no status of its own before (in chunks, whatever the number)."""
    details = {}
    for start in range(0, len(ids), 500):
        rows = with_status(
            Commitment.objects.filter(pk__in=ids[start : start + 500]).select_related(
                "country", "focus_area", "pillar"
            ),
            period,
        ).annotate(compared_with=_compared_with(previous))
        for c in rows:
            details[c.pk] = {
                "code": c.code,
                "text": c.localized_text,
                "country": c.country.iso3,
                "country_name": c.country.name,
                "pillar": c.pillar.number,
                "focus_area": c.focus_area.code,
                "reported_in": c.current_period,
                "narrative": c.current_narrative,
                "compared_with": c.compared_with,
            }
    return details


def by_country(rows: list[dict]) -> list[dict]:
    """Rows of ``page`` grouped by country (for the changes page), countries in code order,
    each with its ``up``, ``down`` and ``first`` lists."""
    countries: dict[str, dict] = {}
    for row in rows:
        entry = countries.setdefault(
            row["country"],
            {"iso3": row["country"], "name": row["country_name"], **{k: [] for k in KINDS}},
        )
        entry[row["kind"]].append(row)
    return [countries[k] for k in sorted(countries)]
