"""The progress endpoint against the best raw SQL for the same numbers, in one run.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/progress.py 229 20k 100k
    .venv/bin/python benchmarks/progress.py 229 20k 100k        # SQLite files

Reads benchmark databases made by ``generate.py`` (refuses any other). For each database and
grouping (``by=pillar`` and ``by=country``, ``period=2024``) it times, interleaved, ``--repeat``
times each:

* **raw SQL**: hand-written queries that give the same numbers (commitments per group and per
  level, not-reported included, empty groups too, and how many were updated in the period
  itself), each commitment's status as of the period
  chosen once; two shapes (a set with ``DISTINCT ON``/``ROW_NUMBER()`` joined to the
  commitments, and a ``LATERAL``/correlated subquery per commitment): the faster of the two in
  this run is the reference;
* **engine**: ``progress.compute(by, period)``, every query it makes (no cache);
* **endpoint, cold**: ``GET /api/v1/progress/?by=…&period=2024`` through Django's test client
  with the cache emptied before each request (validation, engine, demo flag, JSON);
* **endpoint, warm**: the same request answered from the figures cache.

It prints the median and the spread (min-max) in milliseconds, and the ratios of the medians
to the raw SQL's. The numbers of the engine are checked against the raw SQL's first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

PG_SET = """
WITH cur AS (
  SELECT DISTINCT ON (su.commitment_id) su.commitment_id, su.status, su.period_id
  FROM commitments_statusupdate su
  JOIN commitments_reportingperiod p ON p.id = su.period_id
  WHERE su.review_state = 'approved' AND p.end_date <= %s
  ORDER BY su.commitment_id, p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC
)
SELECT g.{key}, cur.status, COUNT(c.id), COUNT(CASE WHEN cur.period_id = %s THEN 1 END)
FROM {table} g
LEFT JOIN commitments_commitment c ON c.{column} = g.id
LEFT JOIN cur ON cur.commitment_id = c.id
GROUP BY g.{key}, cur.status
"""
SQLITE_SET = """
WITH cur AS (
  SELECT commitment_id, status, period_id FROM (
    SELECT su.commitment_id, su.status, su.period_id, ROW_NUMBER() OVER (
      PARTITION BY su.commitment_id
      ORDER BY p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC) AS rn
    FROM commitments_statusupdate su
    JOIN commitments_reportingperiod p ON p.id = su.period_id
    WHERE su.review_state = 'approved' AND p.end_date <= %s) WHERE rn = 1
)
SELECT g.{key}, cur.status, COUNT(c.id), COUNT(CASE WHEN cur.period_id = %s THEN 1 END)
FROM {table} g
LEFT JOIN commitments_commitment c ON c.{column} = g.id
LEFT JOIN cur ON cur.commitment_id = c.id
GROUP BY g.{key}, cur.status
"""
PG_PER_ROW = """
SELECT g.{key}, s.status, COUNT(c.id), COUNT(CASE WHEN s.period_id = %s THEN 1 END)
FROM {table} g
LEFT JOIN commitments_commitment c ON c.{column} = g.id
LEFT JOIN LATERAL (
  SELECT su.status, su.period_id FROM commitments_statusupdate su
  JOIN commitments_reportingperiod p ON p.id = su.period_id
  WHERE su.commitment_id = c.id AND su.review_state = 'approved' AND p.end_date <= %s
  ORDER BY p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC LIMIT 1
) s ON true
GROUP BY g.{key}, s.status
"""
SQLITE_PER_ROW = """
SELECT g.{key}, (
  SELECT su.status FROM commitments_statusupdate su
  JOIN commitments_reportingperiod p ON p.id = su.period_id
  WHERE su.commitment_id = c.id AND su.review_state = 'approved' AND p.end_date <= %s
  ORDER BY p.end_date DESC, p.start_date DESC, su.created_at DESC, su.id DESC LIMIT 1
) AS status, COUNT(c.id), COUNT(CASE WHEN EXISTS (
  SELECT 1 FROM commitments_statusupdate u
  WHERE u.commitment_id = c.id AND u.review_state = 'approved' AND u.period_id = %s
) THEN 1 END)
FROM {table} g
LEFT JOIN commitments_commitment c ON c.{column} = g.id
GROUP BY g.{key}, status
"""
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

    from commitments.models import Commitment, ReportingPeriod, StatusUpdate
    from reports import progress

    period = ReportingPeriod.objects.get(code="2024")
    vendor = connection.vendor
    print(
        f"\n## {connection.settings_dict['NAME']} ({vendor}): {Commitment.objects.count():,} "
        f"commitments, {StatusUpdate.objects.count():,} status rows; {repeat} runs each, "
        "interleaved; ms: median (min-max)"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    for by, (table, key, column) in GROUPS.items():
        shapes = {
            "raw SQL, one set": PG_SET if vendor == "postgresql" else SQLITE_SET,
            "raw SQL, per row": PG_PER_ROW if vendor == "postgresql" else SQLITE_PER_ROW,
        }
        shapes = {k: v.format(table=table, key=key, column=column) for k, v in shapes.items()}

        # where the period's id (the freshness count) comes before or after its end date
        end, pk = period.end_date, period.pk
        params = {
            "raw SQL, one set": [end, pk],
            "raw SQL, per row": [pk, end] if vendor == "postgresql" else [end, pk],
        }
        sql_params = {shapes[k]: v for k, v in params.items()}

        def raw(sql=None, sql_params=sql_params):
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params[sql])
                return cursor.fetchall()

        url = f"/api/v1/progress/?by={by}&period=2024"

        def cold(url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200

        def warm(url=url):
            assert client.get(url).status_code == 200

        # the same numbers, first
        engine = progress.compute([by], period)
        for sql in shapes.values():
            got: dict = {}
            fresh: dict = {}
            for group, status, n, updated in raw(sql):
                got.setdefault(group, {})[status] = n
                fresh[group] = fresh.get(group, 0) + updated
            for g in engine.groups:
                levels = {int(k): v for k, v in g.stats.as_dict()["levels"].items() if k.isdigit()}
                expected = {s: n for s, n in levels.items() if n}
                if g.stats.not_reported:
                    expected[None] = g.stats.not_reported
                found = {s: n for s, n in got.get(g.keys[by], {}).items() if n}
                assert found == expected, (by, g.keys, found, expected)
                assert fresh.get(g.keys[by], 0) == g.stats.updated, (by, g.keys, "updated")
        timings: dict[str, list[float]] = {
            **{k: [] for k in shapes},
            "engine (compute)": [],
            "endpoint, cold": [],
            "endpoint, warm": [],
        }
        warm()  # load code paths once
        for _ in range(repeat):
            for label, sql in shapes.items():
                timings[label].append(_time(lambda s=sql: raw(s)))
            timings["engine (compute)"].append(_time(lambda b=by: progress.compute([b], period)))
            timings["endpoint, cold"].append(_time(cold))
            warm()
            timings["endpoint, warm"].append(_time(warm))
        best = min(statistics.median(timings[k]) for k in shapes)
        print(f"\nby={by}")
        print(f"{'':22} {'median':>9} {'min':>9} {'max':>9} {'÷ best raw':>11}")
        for label, values in timings.items():
            median = statistics.median(values)
            print(
                f"{label:22} {median:9.2f} {min(values):9.2f} {max(values):9.2f} "
                f"{median / best:10.2f}×"
            )


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
