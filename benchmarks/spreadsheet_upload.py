"""Benchmark: a 10,000-row monitoring matrix upload (validation and apply).

    make bench-spreadsheet        # or: .venv/bin/python benchmarks/spreadsheet_upload.py [ROWS]

Builds a throwaway SQLite database (or uses DATABASE_URL) holding the 229 commitments plus
synthetic ones up to ROWS (default 10,000), writes an .xlsx with one status per commitment, and
measures, each in its own run:

* ours: ``importer.create_upload`` (inspect, read with openpyxl read-only, match, validate:
  the preview) then ``importer.apply`` (one transaction writing every status and its audit
  event);
* the reference: django-import-export's ``import_data(dry_run=True)`` of the same file through
  a ModelResource for StatusUpdate (what a Django developer would otherwise pick); a dry run
  validates and saves inside a rolled-back transaction.

It prints wall time and peak Python memory (tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
os.environ.setdefault("DJANGO_DEV", "1")
TMP = tempfile.mkdtemp(prefix="mirps-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", TMP)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def setup_data():
    from commitments.models import Commitment, FocusArea, NationalPlan, Pillar
    from commitments.services import load_plans

    call_command("migrate", verbosity=0)
    load_plans()
    plan = NationalPlan.objects.get(country__iso3="GTM")
    area, pillar = FocusArea.objects.get(code="PRO"), Pillar.objects.get(number=1)
    missing = ROWS - Commitment.objects.count()
    Commitment.objects.bulk_create(
        [
            Commitment(
                code=f"GTM-PRO-{1000 + i}",
                plan=plan,
                country=plan.country,
                focus_area=area,
                pillar=pillar,
                text=f"Synthetic commitment {i}",
                order=1000 + i,
            )
            for i in range(max(missing, 0))
        ],
        batch_size=1000,
    )
    codes = list(Commitment.objects.order_by("code").values_list("code", flat=True)[:ROWS])
    book = Workbook()  # a normal workbook, like Excel's, records its dimensions
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["Code", "New status", "Narrative", "period", "source"])
    for i, code in enumerate(codes):
        sheet.append([code, i % 6, f"Progress note {i}", "2025", "spreadsheet"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(name, make_run, repeat=2):
    """Best wall time of ``repeat`` plain runs, then one more run under tracemalloc for the
    peak memory (tracing slows Python down, so it is kept out of the timed runs)."""
    times = []
    for _ in range(repeat):
        run = make_run()
        started = time.perf_counter()
        detail = run()
        times.append(time.perf_counter() - started)
    run = make_run()
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = min(times)
    print(
        f"{name:<42} {elapsed:7.2f} s (best of {repeat})   peak {peak / 2**20:6.1f} MiB   {detail}"
    )
    return elapsed, peak


def ours(data):
    from django.contrib.auth import get_user_model

    from commitments.models import ReportingPeriod, StatusUpdate
    from commitments.spreadsheets import importer
    from tests.builders import secretariat

    StatusUpdate.objects.all().delete()
    user = get_user_model().objects.filter(username="bench").first() or secretariat("bench")
    period = ReportingPeriod.objects.get(code="2025")

    def run():
        upload = importer.create_upload(data=data, name="bench.xlsx", user=user, period=period)
        assert upload.changed == ROWS, (upload.changed, upload.preview["problems"][:3])
        applied = importer.apply(upload, user=user)
        return f"{applied} statuses written"

    return run


def reference(data):
    import tablib
    from import_export import fields, resources, widgets

    from commitments.models import Commitment, ReportingPeriod, StatusUpdate

    class StatusResource(resources.ModelResource):
        commitment = fields.Field(
            attribute="commitment",
            column_name="Code",
            widget=widgets.ForeignKeyWidget(Commitment, "code"),
        )
        period = fields.Field(
            attribute="period",
            column_name="period",
            widget=widgets.ForeignKeyWidget(ReportingPeriod, "code"),
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

    def run():
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        result = StatusResource().import_data(dataset, dry_run=True)
        assert not result.has_errors() and not result.has_validation_errors()
        return f"{result.totals['new']} rows validated (dry run)"

    return run


def main():
    data = setup_data()
    print(
        f"{ROWS:,} rows, {len(data) / 1024:.0f} KiB .xlsx, database "
        f"{os.environ['DATABASE_URL'].split('://')[0]}"
    )
    ours_time, _peak = measure("ours: preview + atomic apply", lambda: ours(data))
    try:
        ref_time, _peak = measure("django-import-export 4: dry-run import", lambda: reference(data))
    except ImportError:
        print("django-import-export is not installed: pip install -r requirements-bench.txt")
        return
    print(
        f"ours is {ref_time / ours_time:.1f}x faster than the reference; process peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
