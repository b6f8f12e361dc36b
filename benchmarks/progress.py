"""The progress endpoint against the best raw SQL for the same numbers, in one run.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/progress.py 229 20k 100k
    .venv/bin/python benchmarks/progress.py 229 20k 100k        # SQLite files

Reads benchmark databases made by ``generate.py`` (refuses any other). For each database and
grouping (``by=pillar`` and ``by=country``, ``period=2024``) it times, interleaved, ``--repeat``
times each:

* **raw SQL**: hand-written queries that give the same numbers (commitments per group, per
  level and not reported, and how many were updated in the period itself), each commitment's
  status as of the period chosen once, one conditional count per level. PostgreSQL: the shape
  issue 20 measured against (``DISTINCT ON (commitment)`` ordered by the periods' dates, joined
  to the commitments) and the fastest found (``DISTINCT ON (commitment, period)`` in the partial
  index's order, grouped per commitment as it streams, ranks written as literals); SQLite: a
  ``ROW_NUMBER()`` window and index probes period by period. The faster in this run is the
  reference; empty groups are left to the engine's member list (none here);
* **engine**: ``progress.compute(by, period)``, every query it makes, its kept query texts
  emptied before each call;
* **endpoint, cold**: ``GET /api/v1/progress/?by=…&period=2024`` through Django's test client
  with every cache emptied before each request (the figures cache and the engine's kept query
  texts): validation, the periods with the demo flag, the engine, JSON (its queries are
  counted and printed once);
* **endpoint, warm**: the same request answered from the figures cache.

It prints the median and the spread (min-max) in milliseconds, and the ratios of the medians
to the raw SQL's, and the median (min-max) of each round's ratio to the faster raw SQL of that
same round (fair on a shared machine). The engine's numbers are checked against each raw SQL's
first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

LEVELS = ", ".join(f"COUNT(*) FILTER (WHERE s.status = {k})" for k in range(6))
SQLITE_LEVELS = ", ".join(f"COUNT(CASE WHEN s.status = {k} THEN 1 END)" for k in range(6))
# The shape the issue measured the engine against: DISTINCT ON (commitment) ordered by the
# periods' dates, joined to the commitments, one conditional count per level.
PG_DISTINCT_ON = """
SELECT c.{column}, COUNT(*), {levels}, COUNT(*) FILTER (WHERE s.period_id = %(pk)s)
FROM commitments_commitment c LEFT JOIN (
  SELECT DISTINCT ON (su.commitment_id) su.commitment_id, su.status, su.period_id
  FROM commitments_statusupdate su
  JOIN commitments_reportingperiod p ON p.id = su.period_id
  WHERE su.review_state = 'approved' AND p.end_date <= %(end)s
  ORDER BY su.commitment_id, p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC
) s ON s.commitment_id = c.id
GROUP BY c.{column}
"""
# The fastest found (docs/benchmarks.md): each commitment's newest approved row per period in
# the partial index's order (no sort), grouped per commitment as it streams, the period's rank
# written as a literal: MAX(rank * 8 + status) %% 8 is the status of the latest period's row.
PG_RANKED = """
SELECT c.{column}, COUNT(*), {levels}, COUNT(*) FILTER (WHERE s.updated = 1)
FROM commitments_commitment c LEFT JOIN (
  SELECT n.commitment_id, MAX({rank} * 8 + n.status) %% 8 AS status,
         MAX(CASE WHEN n.period_id = %(pk)s THEN 1 END) AS updated
  FROM (SELECT DISTINCT ON (su.commitment_id, su.period_id) su.commitment_id, su.period_id,
               su.status
        FROM commitments_statusupdate su
        WHERE su.review_state = 'approved' AND su.period_id IN ({ended})
        ORDER BY su.commitment_id, su.period_id, su.created_at DESC, su.id DESC) n
  GROUP BY n.commitment_id
) s ON s.commitment_id = c.id
GROUP BY c.{column}
"""
SQLITE_WINDOW = """
SELECT c.{column}, COUNT(*), {levels}, COUNT(CASE WHEN s.period_id = %(pk)s THEN 1 END)
FROM commitments_commitment c LEFT JOIN (
  SELECT commitment_id, status, period_id FROM (
    SELECT su.commitment_id, su.status, su.period_id, ROW_NUMBER() OVER (
      PARTITION BY su.commitment_id
      ORDER BY p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC) AS rn
    FROM commitments_statusupdate su
    JOIN commitments_reportingperiod p ON p.id = su.period_id
    WHERE su.review_state = 'approved' AND p.end_date <= %(end)s) WHERE rn = 1
) s ON s.commitment_id = c.id
GROUP BY c.{column}
"""
# SQLite: each commitment's newest approved row looked up period by period, latest first,
# the first found wins (COALESCE stops there); rank * 8 + status as above.
SQLITE_PROBES = """
SELECT s.{column}, COUNT(*), {levels}, COUNT(CASE WHEN s.v / 8 = {rank_p} THEN 1 END)
FROM (SELECT c.{column}, c.v %% 8 AS status, c.v FROM (
  SELECT c.{column}, COALESCE({probes}) AS v FROM commitments_commitment c LIMIT -1) c) s
GROUP BY s.{column}
"""
PROBE = (
    "(SELECT su.status + {shifted} FROM commitments_statusupdate su WHERE su.commitment_id = c.id"
    " AND su.review_state = 'approved' AND su.period_id = {pk}"
    " ORDER BY su.created_at DESC, su.id DESC LIMIT 1)"
)
GROUPS = {
    "pillar": ("commitments_pillar", "number", "pillar_id"),
    "country": ("countries_country", "iso3", "country_id"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="+", help="benchmark databases (mirps_bench_<name>)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if len(args.names) > 1:  # one process per database
        import subprocess

        for name in args.names:
            subprocess.run(
                [sys.executable, __file__, name, "--repeat", str(args.repeat)], check=True
            )
        return
    run(args.names[0], args.repeat)


def run(name: str, repeat: int) -> None:
    benchdb.configure(name)
    import django

    django.setup()
    from django.db import connection

    benchdb.require_ours(connection)
    from django.core.cache import cache
    from django.test import Client

    from commitments.models import Commitment, Pillar
    from countries.models import Country
    from periods.models import ReportingPeriod
    from reports import progress
    from statuses.models import StatusUpdate

    period = ReportingPeriod.objects.get(code="2024")
    ended = list(
        ReportingPeriod.objects.filter(end_date__lte=period.end_date).order_by(
            "end_date", "start_date", "id"
        )
    )
    rank = {p.pk: r for r, p in enumerate(ended, start=1)}
    assert rank[period.pk] == len(ended), "no later period ends the same day as 2024"
    vendor = connection.vendor
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n## {connection.settings_dict['NAME']} ({vendor}): {Commitment.objects.count():,} "
        f"commitments, {StatusUpdate.objects.count():,} status rows; {repeat} runs each, "
        f"interleaved; ms: median (min-max); load average at start {load}"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    for by, (_table, key, column) in GROUPS.items():
        model_keys = dict((Pillar if by == "pillar" else Country).objects.values_list("pk", key))
        fill = {
            "column": column,
            "rank": "CASE n.period_id "
            + " ".join(f"WHEN {pk} THEN {r}" for pk, r in rank.items())
            + " END",
            "ended": ", ".join(str(pk) for pk in rank),
            "rank_p": rank[period.pk],
            "probes": ", ".join(
                PROBE.format(shifted=8 * r, pk=p.pk)
                for r, p in reversed(list(enumerate(ended, start=1)))
            ),
        }
        if vendor == "postgresql":
            shapes = {
                "raw: DISTINCT ON": PG_DISTINCT_ON.format(levels=LEVELS, **fill),
                "raw: ranked stream": PG_RANKED.format(levels=LEVELS, **fill),
            }
        else:
            shapes = {
                "raw: window": SQLITE_WINDOW.format(levels=SQLITE_LEVELS, **fill),
                "raw: probes": SQLITE_PROBES.format(levels=SQLITE_LEVELS, **fill),
            }
        params = {"end": period.end_date, "pk": period.pk}

        def raw(sql=None, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        url = f"/api/v1/progress/?by={by}&period=2024"

        def emptied():
            cache.clear()  # the figures (and reference data) cache
            progress._TALLY_SQL.clear()  # the engine's kept query texts

        def cold(url=url):
            emptied()
            response = client.get(url)
            assert response.status_code == 200

        def engine(by=by):
            emptied()
            progress.compute([by], period)

        # the same numbers, first
        result = progress.compute([by], period)
        for label, sql in shapes.items():
            got = {model_keys[row[0]]: row[1:] for row in raw(sql)}
            for g in result.groups:
                st = g.stats
                expected = (st.commitments, *(st.levels[k] for k in range(6)), st.updated)
                found = got.get(g.keys[by], (0,) * 8)
                assert tuple(found) == expected, (label, by, g.keys, found, expected)
        timings: dict[str, list[float]] = {
            **{k: [] for k in shapes},
            "engine (compute)": [],
            "endpoint, cold": [],
            "endpoint, warm": [],
        }
        ratios: dict[str, list[float]] = {"engine (compute)": [], "endpoint, cold": []}
        cold()  # load code paths once
        from django.test.utils import CaptureQueriesContext

        emptied()
        with CaptureQueriesContext(connection) as seen:
            client.get(url)
        print(f"\nby={by}: a cold request makes {len(seen.captured_queries)} queries")
        for _ in range(repeat):
            for label, sql in shapes.items():
                timings[label].append(_time(lambda s=sql: raw(s)))
            timings["engine (compute)"].append(_time(engine))
            timings["endpoint, cold"].append(_time(cold))
            timings["endpoint, warm"].append(_time(lambda u=url: client.get(u)))
            best_now = min(timings[k][-1] for k in shapes)
            for label in ratios:
                ratios[label].append(timings[label][-1] / best_now)
        best = min(statistics.median(timings[k]) for k in shapes)
        print(f"\nby={by}")
        print(f"{'':22} {'median':>9} {'min':>9} {'max':>9} {'÷ best raw':>11}")
        for label, values in timings.items():
            median = statistics.median(values)
            print(
                f"{label:22} {median:9.2f} {min(values):9.2f} {max(values):9.2f} "
                f"{median / best:10.2f}×"
            )
        for label, values in ratios.items():
            print(
                f"{label} ÷ the faster raw SQL of the same round: median "
                f"{statistics.median(values):.2f}× (min {min(values):.2f}, max {max(values):.2f})"
            )


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
