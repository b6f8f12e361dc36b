"""Fill a throwaway benchmark database with synthetic commitments and status updates.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/generate.py 100k \\
        --commitments 100000 --updates 1000000
    .venv/bin/python benchmarks/generate.py 229 --commitments 229 --updates 2290   # SQLite

Writes only into ``mirps_bench_<name>`` (see ``benchdb.py``), which must be new or empty: an
existing benchmark database is dropped and made again with ``--replace``. It holds the 229
commitments of the 2021 plans plus synthetic ones up to ``--commitments`` (text starting
``[SYNTHETIC]``), eight periods (2021 … 2026-H1) and ``--updates`` status rows, all flagged as
synthetic (source ``demo``, narrative ``[SYNTHETIC] …``, so every page shows the demo banner):
about 8 % of commitments never reported, the others reported in most periods, several rows in
some periods (earlier ones superseded or re-recorded), the newest row of a period mostly
approved, some submitted or returned. The same arguments always give the same data.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

PERIODS = [
    ("2021", "annual", "2021-01-01", "2021-12-31"),
    ("2022", "annual", "2022-01-01", "2022-12-31"),
    ("2023", "annual", "2023-01-01", "2023-12-31"),
    ("2024-H1", "midyear", "2024-01-01", "2024-06-30"),
    ("2024", "annual", "2024-01-01", "2024-12-31"),
    ("2025-H1", "midyear", "2025-01-01", "2025-06-30"),
    ("2025", "annual", "2025-01-01", "2025-12-31"),
    ("2026-H1", "midyear", "2026-01-01", "2026-06-30"),
]
AREAS = ["PRO", "JOB", "SOC", "EDU", "HEA"]
FILLER = (
    "Synthetic benchmark narrative: the national team reports meetings held, a protocol "
    "drafted and training sessions delivered in the period."
)
COLUMNS = [
    "commitment_id",
    "period_id",
    "status",
    "narrative",
    "evidence_url",
    "evidence_file",
    "created_at",
    "source",
    "review_state",
    "review_comment",
    "late",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the database is mirps_bench_<name>")
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=1_000_000)
    parser.add_argument("--replace", action="store_true", help="drop our database first")
    args = parser.parse_args()
    if args.replace:
        benchdb.drop(args.name)
    url = benchdb.configure(args.name)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if benchdb.is_marked(connection):
        raise benchdb.NotOurs(f"{url} is already filled: --replace to make it again")
    if not benchdb.is_empty(connection):
        raise benchdb.NotOurs(f"{url} is not empty and not ours")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    benchdb.mark(
        connection,
        f"synthetic: {args.commitments} commitments, {args.updates} updates, 8 periods",
    )
    from commitments.services import load_plans

    load_plans()
    ids = commitments(args.commitments)
    periods = make_periods()
    rows = updates(ids, periods, args.updates)
    insert(connection, rows)
    with connection.cursor() as cur:
        # as autovacuum leaves a live database: statistics, and on PostgreSQL the visibility
        # map that lets the figures read the partial index alone (an index-only scan); without
        # it the planner sorts the table instead (docs/benchmarks.md)
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"{url}: {len(ids):,} commitments, {len(rows):,} status updates, 8 periods "
        f"in {time.perf_counter() - started:.0f} s"
    )


def commitments(n: int) -> list[int]:
    from commitments.models import Commitment, FocusArea, NationalPlan, Pillar

    plans = list(NationalPlan.objects.select_related("country").order_by("country__iso3"))
    areas = {a.code: a for a in FocusArea.objects.all()}
    pillars = list(Pillar.objects.order_by("number"))
    missing = n - Commitment.objects.count()
    new = []
    for i in range(max(missing, 0)):
        plan = plans[i % len(plans)]
        area = AREAS[(i // len(plans)) % len(AREAS)]
        number = 100 + i // (len(plans) * len(AREAS))
        new.append(
            Commitment(
                code=f"{plan.country.iso3}-{area}-{number}",
                plan=plan,
                country=plan.country,
                focus_area=areas[area],
                pillar=pillars[i % len(pillars)],
                text=f"[SYNTHETIC] Benchmark commitment {i + 1} ({plan.country.iso3}, {area})",
                order=number,
            )
        )
    Commitment.objects.bulk_create(new, batch_size=5000)
    return list(Commitment.objects.order_by("pk").values_list("pk", flat=True)[:n])


def make_periods():
    from periods.models import ReportingPeriod

    result = []
    for code, kind, start, end in PERIODS:
        period, _ = ReportingPeriod.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "start_date": date.fromisoformat(start),
                "end_date": date.fromisoformat(end),
            },
        )
        result.append(period)
    return result


def updates(ids: list[int], periods, total: int) -> list[tuple]:
    """``total`` rows spread over the reported commitments, deterministic."""
    rng = random.Random(f"mirps-bench:{len(ids)}:{total}")
    reported = [cid for cid in ids if rng.random() >= 0.08]
    per, extra = divmod(total, max(len(reported), 1))
    rows = []
    for i, cid in enumerate(reported):
        count = per + (1 if i < extra else 0)
        chosen = [p for p in periods if rng.random() < 0.85] or [rng.choice(periods)]
        # every chosen period gets one row, the rest go to random chosen periods
        slots = {p.pk: 1 for p in chosen}
        for _ in range(max(count - len(chosen), 0)):
            slots[rng.choice(chosen).pk] += 1
        if count < len(chosen):
            chosen = chosen[:count]
        status = None
        for period in chosen:
            k = slots[period.pk]
            if status is None:
                status = rng.choice([0, 0, 1, 1, 2])
            else:
                status = max(0, min(5, status + rng.choice([-1, 0, 0, 1, 1, 1, 2])))
            start = datetime.combine(period.end_date, datetime.min.time(), tzinfo=UTC)
            for j in range(k):
                last = j == k - 1
                if last:
                    state = rng.choices(["approved", "submitted", "returned"], [88, 8, 4])[0]
                else:
                    state = rng.choice(["superseded", "approved"])
                value = status if last else max(0, min(5, status + rng.choice([-1, 1])))
                rows.append(
                    (
                        cid,
                        period.pk,
                        value,
                        f"[SYNTHETIC] {period.code} row {j + 1}. {FILLER}",
                        "",
                        "",
                        start + timedelta(days=j, seconds=i % 86400),
                        "demo",
                        state,
                        "Returned: add evidence." if state == "returned" else "",
                        False,  # no deadline in the synthetic calendar
                    )
                )
    return rows


def insert(connection, rows: list[tuple]) -> None:
    table = "commitments_statusupdate"
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, datetime) else v for v in row])
        buffer.seek(0)
        with connection.cursor() as cur:
            # the app's statement timeout (settings) is for requests, not a million-row load
            cur.execute("SET statement_timeout = 0")
            cur.cursor.copy_expert(
                f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
                "FORCE_NOT_NULL (narrative, evidence_url, evidence_file, review_comment))",
                buffer,
            )
        return
    from django.db import transaction

    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    with transaction.atomic(), connection.cursor() as cur:  # one transaction, not one per row
        for start in range(0, len(rows), 20_000):
            cur.executemany(sql, rows[start : start + 20_000])


if __name__ == "__main__":
    main()
