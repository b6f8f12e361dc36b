"""Benchmark: a 10,000-row monitoring matrix upload (validation and apply), against the
reference library at its best documented settings.

    make bench-spreadsheet        # or: .venv/bin/python benchmarks/spreadsheet_upload.py [--rows N]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/spreadsheet_upload.py

Makes its own throwaway database ``mirps_bench_sheet`` (``benchdb.py``: SQLite, or PostgreSQL
with ``BENCH_PG``; dropped and made again on each run, never another), holding the 229
commitments plus synthetic ones up to ``--rows`` (default 10,000), and an .xlsx with one status
per commitment. Then, ``--runs`` times each, interleaved, with the status table emptied before
every run:

* **ours**: ``importer.create_upload`` (inspect, read, match, validate with the same rules as the
  browser: the preview) then ``importer.apply`` (one transaction writing every status);
* **reference, dry run** and **reference, import**: django-import-export's ``import_data`` of
  the same file through a ``ModelResource`` for StatusUpdate at its documented best settings for
  new rows (``use_bulk`` with ``batch_size`` 1000, ``skip_diff``, ``force_init_instance``: no
  instance lookups) and a foreign-key widget that looks every code up once (a dict), not once
  per row. A dry run validates and writes inside a rolled-back transaction; the import writes.
  Neither checks our rules (permissions per country, review states, concurrency, narratives).

On PostgreSQL it does this twice: on a table **with many dead rows** (autovacuum off for the
table, 200,000 rows written and deleted first, as after many uploads and cancellations) and
after ``VACUUM ANALYZE`` before every run. Prints median and spread (min-max) and the ratio of
the medians; then ours once more under tracemalloc for the peak Python memory.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

NAME = os.environ.get("BENCH_NAME", "sheet")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    benchdb.drop(NAME)
    url = benchdb.configure(NAME)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not benchdb.is_empty(connection):
        raise benchdb.NotOurs(f"{url} is not empty")
    call_command("migrate", verbosity=0)
    benchdb.mark(connection, f"spreadsheet benchmark, {args.rows} rows")
    data = setup_data(args.rows)
    try:
        import import_export  # noqa: F401
    except ImportError:
        raise SystemExit("pip install -r requirements-bench.txt (django-import-export)") from None
    print(
        f"{args.rows:,} rows, {len(data) / 1024:.0f} KiB .xlsx, {connection.vendor}; "
        f"{args.runs} runs each, interleaved; seconds: median (min-max)"
    )
    runs = {
        "ours: preview + atomic apply": ours(data, args.rows),
        "reference: dry run (best settings)": reference(data, dry_run=True),
        "reference: import (best settings)": reference(data, dry_run=False),
    }
    modes = ["many dead rows", "VACUUM ANALYZE before each run"]
    if connection.vendor != "postgresql":
        modes = ["SQLite"]
    for mode in modes:
        if mode == "many dead rows":
            make_dead_rows(connection)
        timings = {label: [] for label in runs}
        for _ in range(args.runs):
            for label, run in runs.items():
                empty_statuses(connection, vacuum=mode.startswith("VACUUM"))
                started = time.perf_counter()
                run()
                timings[label].append(time.perf_counter() - started)
        print(f"\n{mode}")
        ours_median = statistics.median(timings["ours: preview + atomic apply"])
        for label, values in timings.items():
            median = statistics.median(values)
            ratio = (
                "" if label.startswith("ours") else f"reference ÷ ours: {median / ours_median:.2f}"
            )
            print(f"  {label:38} {median:6.2f} s ({min(values):.2f}-{max(values):.2f})   {ratio}")
    empty_statuses(connection, vacuum=connection.vendor == "postgresql")
    tracemalloc.start()
    runs["ours: preview + atomic apply"]()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nours: peak Python memory {peak / 2**20:.1f} MiB (tracemalloc); process peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


def setup_data(rows: int) -> bytes:
    from openpyxl import Workbook

    from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
    from commitments.services import load_plans
    from periods.models import ReportingPeriod

    load_plans()
    ReportingPeriod.objects.get_or_create(
        code="2025",
        defaults={"kind": "annual", "start_date": "2025-01-01", "end_date": "2025-12-31"},
    )
    plan = NationalPlan.objects.get(country__iso3="GTM")
    area, pillar = FocusArea.objects.get(code="PRO"), Pillar.objects.get(number=1)
    missing = rows - Commitment.objects.count()
    Commitment.objects.bulk_create(
        [
            Commitment(
                code=f"GTM-PRO-{1000 + i}",
                plan=plan,
                country=plan.country,
                focus_area=area,
                pillar=pillar,
                text=f"[SYNTHETIC] Benchmark commitment {i}",
                order=1000 + i,
            )
            for i in range(max(missing, 0))
        ],
        batch_size=1000,
    )
    codes = list(Commitment.objects.order_by("code").values_list("code", flat=True)[:rows])
    book = Workbook()  # a normal workbook, like Excel's, records its dimensions
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["Code", "New status", "Narrative", "period", "source"])
    for i, code in enumerate(codes):
        sheet.append([code, i % 6, f"Progress note {i}", "2025", "spreadsheet"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_dead_rows(connection) -> None:
    """200,000 rows written and deleted with autovacuum off: the table after many uploads."""
    from commitments.models import Commitment
    from periods.models import ReportingPeriod
    from statuses.models import StatusUpdate

    with connection.cursor() as cur:
        cur.execute("ALTER TABLE commitments_statusupdate SET (autovacuum_enabled = false)")
    period = ReportingPeriod.objects.get(code="2025")
    ids = list(Commitment.objects.values_list("pk", flat=True))
    for _round in range(20):
        StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(commitment_id=pk, period=period, status=1, source="spreadsheet")
                for pk in ids[:10_000]
            ],
            batch_size=2000,
        )
        StatusUpdate.objects.all().delete()


def empty_statuses(connection, vacuum: bool) -> None:
    from audit.models import ChangeEvent
    from spreadsheets.models import SpreadsheetUpload
    from statuses.models import StatusUpdate

    ChangeEvent.objects.all().delete()
    SpreadsheetUpload.objects.all().delete()
    StatusUpdate.objects.all().delete()
    if vacuum and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE commitments_statusupdate")


def ours(data: bytes, rows: int):
    from django.contrib.auth import get_user_model

    from periods.models import ReportingPeriod
    from spreadsheets import importer
    from tests.builders import secretariat

    user = get_user_model().objects.filter(username="bench").first() or secretariat("bench")
    period = ReportingPeriod.objects.get(code="2025")

    def run():
        upload = importer.create_upload(data=data, name="bench.xlsx", user=user, period=period)
        assert upload.changed == rows, (upload.changed, upload.preview["problems"][:3])
        assert importer.apply(upload, user=user) == rows

    return run


def reference(data: bytes, dry_run: bool):
    import tablib
    from import_export import fields, resources, widgets

    from commitments.models import Commitment
    from periods.models import ReportingPeriod
    from statuses.models import StatusUpdate

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        """Every object looked up once per import (a dict), not once per row."""

        def clean(self, value, row=None, **kwargs):
            if not hasattr(self, "_by_key"):
                self._by_key = {getattr(o, self.field): o for o in self.get_queryset(value, row)}
            return self._by_key.get(value) if value else None

    class StatusResource(resources.ModelResource):
        commitment = fields.Field(
            attribute="commitment",
            column_name="Code",
            widget=CachedForeignKeyWidget(Commitment, "code"),
        )
        period = fields.Field(
            attribute="period",
            column_name="period",
            widget=CachedForeignKeyWidget(ReportingPeriod, "code"),
        )
        status = fields.Field(
            attribute="status", column_name="New status", widget=widgets.IntegerWidget()
        )
        narrative = fields.Field(attribute="narrative", column_name="Narrative")
        source = fields.Field(attribute="source", column_name="source")

        class Meta:
            model = StatusUpdate
            fields = ("commitment", "period", "status", "narrative", "source")
            import_id_fields = ()
            # The documented settings for importing many new rows fast (Bulk imports).
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            use_transactions = True

    def run():
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        result = StatusResource().import_data(dataset, dry_run=dry_run)
        assert not result.has_errors() and not result.has_validation_errors()
        if not dry_run:
            assert StatusUpdate.objects.count() == len(dataset)

    return run


if __name__ == "__main__":
    main()
