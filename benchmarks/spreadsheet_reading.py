"""Benchmark: choosing the reader (issue 21). Prints, median and spread (min-max) of ``--runs``:

* the 10,000-row .xlsx (``spreadsheet_upload.setup_data``'s shape, made here without a
  database): ``reading.read`` (python-calamine for the cells, a light inspection of the XML)
  against openpyxl in read-only mode (the lower-level reader the app used to stream with), and
  python-calamine alone;
* every workbook of the corpus (``tests/spreadsheets/files``): the same three, summed, and how
  many each reads or refuses;
* the hostile files: a million rows and a 20 MB workbook, refused (or read) and how long;
* a country's matrix (Guatemala, in Spanish) previewed by ``importer.preview``, in its own
  throwaway database (``benchdb``);
* peak Python memory (tracemalloc) of reading the 10,000-row file.

    BENCH_DIR=/tmp .venv/bin/python benchmarks/spreadsheet_reading.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import benchdb  # noqa: E402

FILES = ROOT / "tests" / "spreadsheets" / "files"


def timed(function, runs: int) -> tuple[float, float, float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        values.append(time.perf_counter() - started)
    return statistics.median(values), min(values), max(values)


def show(label: str, figures) -> None:
    median, low, high = figures
    print(f"  {label:44} {median:7.3f} s ({low:.3f}-{high:.3f})")


def big_xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["Code", "New status", "Narrative", "period", "source"])
    for i in range(rows):
        sheet.append([f"GTM-PRO-{1000 + i}", i % 6, f"Progress note {i}", "2025", "spreadsheet"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    benchdb.drop("read_i21")
    benchdb.configure("read_i21")
    import django

    django.setup()
    import openpyxl
    import python_calamine

    from spreadsheets import reading

    def ours(data):
        try:
            return reading.read(data)
        except reading.Rejected as exc:
            return exc

    def with_openpyxl(data):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
        finally:
            book.close()

    def calamine_alone(data):
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [book.get_sheet_by_name(n).to_python() for n in book.sheet_names]

    print(f"openpyxl {openpyxl.__version__}; {args.runs} runs; seconds: median (min-max)")
    data = big_xlsx(10_000)
    print(f"\n10,000-row .xlsx ({len(data) // 1024} KiB)")
    show("reading.read (calamine + inspection)", timed(lambda: ours(data), args.runs))
    show("openpyxl read-only", timed(lambda: with_openpyxl(data), args.runs))
    show("python-calamine alone (no guards)", timed(lambda: calamine_alone(data), args.runs))
    tracemalloc.start()
    ours(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  reading.read peak Python memory: {peak / 2**20:.1f} MiB")

    workbooks = sorted(
        p for p in FILES.iterdir() if p.suffix in (".xlsx", ".xls", ".ods") and p.stat().st_size
    )
    print(f"\nthe corpus's {len(workbooks)} workbooks (.xlsx, .xls, .ods), each read once per run")
    contents = {p.name: p.read_bytes() for p in workbooks}
    read = sum(not isinstance(ours(d), reading.Rejected) for d in contents.values())
    print(f"  reading.read: {read} read, {len(contents) - read} refused (each with its reason)")
    show("reading.read, all", timed(lambda: [ours(d) for d in contents.values()], args.runs))
    xlsx = {n: d for n, d in contents.items() if n.endswith(".xlsx") and "i19-huge" not in n}
    xlsx = {n: d for n, d in xlsx.items() if "million" not in n and "long" not in n}

    def safe(function, d):
        try:
            return function(d)
        except Exception as exc:  # noqa: BLE001 - a damaged file is a result here
            return exc

    print(f"  the {len(xlsx)} .xlsx that are not hostile:")
    show("reading.read", timed(lambda: [ours(d) for d in xlsx.values()], args.runs))
    show(
        "openpyxl read-only",
        timed(lambda: [safe(with_openpyxl, d) for d in xlsx.values()], args.runs),
    )

    print("\nhostile files (refused or read, and how long; one run each)")
    for name in ("million-rows.xlsx", "million-empty-rows.xlsx", "million-repeated-rows.ods",
                 "i19-huge-comment.xlsx", "i19-long-comment.xlsx", "140-sheets.xlsx"):  # fmt: skip
        payload = (FILES / name).read_bytes()
        started, cpu = time.perf_counter(), time.process_time()
        outcome = ours(payload)
        what = outcome.code if isinstance(outcome, reading.Rejected) else "read"
        print(
            f"  {name:30} {what:20} {time.perf_counter() - started:6.2f} s wall, "
            f"{time.process_time() - cpu:5.2f} s CPU"
        )
    twenty = big_xlsx(10_000)[:-22] + b"\x00" * (20 * 2**20)  # a 20 MB upload
    started = time.perf_counter()
    outcome = ours(twenty)
    what = outcome.code if isinstance(outcome, reading.Rejected) else "read"
    print(f"  {'a 20 MB file':30} {what:20} {time.perf_counter() - started:6.2f} s")

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    benchdb.mark(connection, "spreadsheet reading benchmark")
    from commitments.services import load_plans
    from countries.models import Country
    from periods.models import ReportingPeriod
    from spreadsheets import importer
    from spreadsheets.template import build_matrix
    from tests.builders import member

    load_plans()
    period, _ = ReportingPeriod.objects.get_or_create(
        code="2025",
        defaults={"kind": "annual", "start_date": "2025-01-01", "end_date": "2025-12-31"},
    )
    user = member("bench-gtm", "GTM")
    country = Country.objects.get(iso3="GTM")
    matrix = build_matrix([country], period, "es", user)
    rows = len(reading.read(matrix)[0].rows) - 1
    print(
        f"\na country's matrix (Guatemala, {rows} commitments, {len(matrix) // 1024} KiB), preview"
    )
    show(
        "importer.preview",
        timed(lambda: importer.preview(matrix, user=user, period=period), args.runs),
    )


if __name__ == "__main__":
    main()
