"""What moved since the previous period: commitments whose approved status went up, went down,
or was reported for the first time.

For a period P, the previous period is the one before P in chronological order (by end date,
then start date). Each commitment's status as of P is compared with its status as of the
previous period (both "the latest approved status reported in that period or before",
``commitments.selectors``): higher is *up*, lower is *down*, none before and one now is *first
report*. Unchanged statuses are not listed. With no previous period, every reported commitment
is a first report; a period ending on the same day as the previous one moves nothing.

Both are computed in the database: the counts come with the trend (``progress.Spans.moved``,
no extra query); the list (``page``) is one query over each commitment's "as of" statuses per
period end (``selectors.status_as_of_each_end``), the one before beside each (SQL ``LAG``),
ordered and cut to a page there, so a period in which 30,000 commitments moved costs a page of
rows, not 30,000 objects.
"""

from __future__ import annotations

from django.db import connection

from commitments.models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    StatusUpdate,
)
from countries.models import Country
from mirps.i18n import active_language

from . import progress

KINDS = ("up", "down", "first")
# How many moved commitments a page of /changes/ lists (the export has them all).
PAGE_SIZE = 100


def summary(spans: progress.Spans, period: ReportingPeriod | None) -> dict:
    """The counts of what moved into ``period`` (``{"period", "previous", "up", "down",
    "first", "count"}``), from the trend's spans: no query."""
    if period is None or period.code not in {p.code for p in spans.periods}:
        return {"period": None, "previous": None, "up": 0, "down": 0, "first": 0, "count": 0}
    previous = spans.previous(period)
    counts = spans.moved(period)
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
    country, then up/down/first, then focus area and order in the plan. One query.

    Returns ``{"period", "previous", "up", "down", "first", "count", "rows", "offset"}``: the
    counts of ``summary`` and ``rows``, each a dict with the commitment, ``kind``, ``from``,
    ``to``, and the period and narrative of the row that set the status.
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
    if previous is not None and previous.end_date == period.end_date:
        return empty
    filters = {"country": country, "pillar": pillar, "focus_area": focus_area}
    commitments = progress._filtered_commitments(**filters)
    each_end = progress.selectors.status_as_of_each_end(
        period, commitments=commitments if progress._filtered(filters) else None
    ).values("id", "commitment_id", "status", "period__end_date")
    b_sql, b_params = progress._sql(each_end)
    q = connection.ops.quote_name
    sql = f"""
        SELECT m.kind, m.s_before, m.status,
               SUM(CASE WHEN m.kind = 0 THEN 1 ELSE 0 END) OVER (),
               SUM(CASE WHEN m.kind = 1 THEN 1 ELSE 0 END) OVER (),
               SUM(CASE WHEN m.kind = 2 THEN 1 ELSE 0 END) OVER (),
               c.code, c.text, c.text_es, co.iso3, co.name_en, co.name_es, pi.number, fa.code,
               su.narrative, pe.code
        FROM (
            SELECT l.id, l.commitment_id, l.status, l.s_before,
                   CASE WHEN l.s_before IS NULL THEN 2 WHEN l.status > l.s_before THEN 0
                        ELSE 1 END AS kind
            FROM (
                SELECT b.id, b.commitment_id, b.status, b.period__end_date AS s_end,
                       LAG(b.status) OVER (
                           PARTITION BY b.commitment_id ORDER BY b.period__end_date
                       ) AS s_before
                FROM ({b_sql}) b
            ) l
            WHERE l.s_end = %s AND (l.s_before IS NULL OR l.s_before <> l.status)
        ) m
        JOIN {_table(Commitment)} c ON c.id = m.commitment_id
        JOIN {_table(Country)} co ON co.id = c.country_id
        JOIN {_table(Pillar)} pi ON pi.id = c.pillar_id
        JOIN {_table(FocusArea)} fa ON fa.id = c.focus_area_id
        JOIN {_table(StatusUpdate)} su ON su.id = m.id
        JOIN {_table(ReportingPeriod)} pe ON pe.id = su.period_id
        ORDER BY co.iso3, m.kind, fa.{q("order")}, c.{q("order")}, c.code
    """
    params = (*b_params, period.end_date)
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += (limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched and offset:  # past the last page: the counts still matter
        whole = page(period, periods, limit=1, offset=0, **filters)
        whole.update({"rows": [], "offset": offset})
        return whole
    spanish = active_language() == "es"
    result = dict(empty)
    rows = []
    for kind, before, now, n_up, n_down, n_first, code, text, text_es, *rest in fetched:
        iso3, name_en, name_es, pillar_number, area, narrative, reported_in = rest
        result.update({"up": int(n_up), "down": int(n_down), "first": int(n_first)})
        rows.append(
            {
                "kind": KINDS[kind],
                "code": code,
                "text": text_es if spanish and text_es else text,
                "country": iso3,
                "country_name": name_es if spanish and name_es else name_en,
                "pillar": pillar_number,
                "focus_area": area,
                "from": before,
                "to": now,
                "reported_in": reported_in,
                "narrative": narrative,
            }
        )
    result["rows"] = rows
    result["count"] = sum(result[kind] for kind in KINDS)
    return result


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
