"""What moved since the previous period: commitments whose approved status went up, went down,
or was reported for the first time.

For a period P, the previous period is the one before P in chronological order (by end date,
then start date). Each commitment's status as of P is compared with its status as of the
previous period (both "the latest approved status reported in that period or before",
``commitments.selectors``): higher is *up*, lower is *down*, none before and one now is *first
report*. Unchanged statuses are not listed. With no previous period, every reported commitment
is a first report; a period ending on the same day as the previous one moves nothing.

Both are computed in the database: the counts come with the trend (``progress.Timeline``, no
extra query); the list (``page``) compares each commitment's statuses as of the two periods
(``progress.as_of_each_period_sql``) and is ordered and cut to a page there, so a period in
which 30,000 commitments moved costs a page of rows, not 30,000 objects.
"""

from __future__ import annotations

from django.db import connection

from commitments.models import Commitment, FocusArea, ReportingPeriod
from countries.models import Country

from . import progress

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
    ordered = sorted(periods, key=lambda p: (p.end_date, p.start_date))
    codes = [p.code for p in ordered]
    empty = {"period": None, "previous": None, "rows": [], "offset": offset, "count": 0}
    empty.update({kind: 0 for kind in KINDS})
    if period is None or period.code not in codes:
        return empty
    index = codes.index(period.code)
    previous = ordered[index - 1] if index > 0 else None
    empty.update({"period": period.code, "previous": previous.code if previous else None})
    filters = {"country": country, "pillar": pillar, "focus_area": focus_area}
    commitments = progress._filtered_commitments(**filters)
    columns = [index - 1, index] if previous else [index]
    a_sql, a_params = progress.as_of_each_period_sql(
        ordered, commitments, progress._filtered(filters), columns=columns
    )
    now = f"a.s{index}"
    before = f"a.s{index - 1}" if previous else "NULL"
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
    details = _details([row[0] for row in fetched], period)
    result["rows"] = [
        {**details[commitment_id], "kind": KINDS[kind], "from": was, "to": now_}
        for commitment_id, kind, was, now_, *_counts in fetched
    ]
    return result


def _details(ids: list[int], period: ReportingPeriod) -> dict[int, dict]:
    """What a moved commitment shows: code, text, country, pillar, focus area, and the period
    and narrative of its status as of ``period`` (in chunks, whatever the number)."""
    details = {}
    for start in range(0, len(ids), 500):
        rows = (
            Commitment.objects.filter(pk__in=ids[start : start + 500])
            .select_related("country", "focus_area", "pillar")
            .with_status(period)
        )
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
