"""Benchmark: the issue-19 file that made the preview quadratic, and the upload lists after it.

    .venv/bin/python benchmarks/quadratic_preview.py [--uploads 5]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/quadratic_preview.py

The file: a CSV of 11,990 rows cycling over 27 of Guatemala's codes, every row with its own
status and narrative, so that every commitment is in about 444 rows with different values
(``tests/spreadsheets/hostile_files.cycling_csv``). Before issue 19 each of those rows listed
every other row of its commitment: the preview grew with the square of the rows.

Makes its own throwaway database ``mirps_bench_preview`` (``benchdb.py``: SQLite, or PostgreSQL
with ``BENCH_PG``; dropped and made again on each run), then prints, for the upload as the
secretariat: the time of the preview (``importer.create_upload``), of "apply" (refused: the
rows have problems; it reads the stored preview) and of "apply the valid rows"; the peak Python
memory of each (tracemalloc, in a second pass: tracing slows the code down) and the process's
peak RSS; the size of the stored preview. Then, with ``--uploads`` such uploads in the history,
the size and time of the upload list (``/api/v1/spreadsheet-uploads/``) and of the upload
history page (``/workspace/spreadsheets/``): the first request, then the best of two more. The
figures before and after issue 19 are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

NAME = "preview"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=5, help="uploads in the history")
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
    benchdb.mark(connection, "quadratic preview benchmark")

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.test import Client

    from commitments.models import Commitment
    from commitments.services import load_plans
    from periods.models import ReportingPeriod
    from spreadsheets import importer
    from tests.builders import secretariat
    from tests.spreadsheets.hostile_files import CODES, ROWS, cycling_csv

    settings.ALLOWED_HOSTS = ["*"]
    load_plans()
    period = ReportingPeriod.objects.get(code="2025")
    codes = list(
        Commitment.objects.filter(country__iso3="GTM")
        .order_by("code")
        .values_list("code", flat=True)[:CODES]
    )
    data = cycling_csv(codes)
    user = secretariat("bench")
    print(f"{ROWS:,} rows over {CODES} codes, {len(data) / 1024:.0f} KiB CSV, {connection.vendor}")

    def preview():
        return importer.create_upload(data=data, name="cycling.csv", user=user, period=period)

    def apply(upload, skip):
        try:
            importer.apply(upload, user=user, skip_problems=skip)
        except ValidationError as refused:
            return refused.code
        return "applied"

    timings, memory = {}, {}
    started = time.perf_counter()
    upload = preview()
    timings["preview"] = time.perf_counter() - started
    for label, skip in (("apply (all or nothing)", False), ("apply the valid rows", True)):
        fresh = preview()
        started = time.perf_counter()
        outcome = apply(fresh, skip)
        timings[label] = time.perf_counter() - started
        print(f"  {label}: {outcome}")
    rss_after_time = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    upload = preview()
    memory["preview"] = tracemalloc.get_traced_memory()[1]
    for label, skip in (("apply (all or nothing)", False), ("apply the valid rows", True)):
        fresh = preview()
        tracemalloc.reset_peak()
        apply(fresh, skip)
        memory[label] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stored = len(json.dumps(upload.preview))
    print(f"  stored preview: {stored / 1024:,.1f} KiB, {upload.problems:,} rows with problems")
    for label, seconds in timings.items():
        peak = memory[label] / 2**20
        print(f"  {label:24} {seconds:7.2f} s   peak Python memory {peak:7.1f} MiB")
    print(f"  process peak RSS after the timed runs: {rss_after_time:.0f} MiB")

    while len(importer.SpreadsheetUpload.objects.all()) < args.uploads:
        preview()
    client = Client()
    client.force_login(user)
    count = importer.SpreadsheetUpload.objects.count()
    for label, path in (
        ("API list", "/api/v1/spreadsheet-uploads/"),
        ("history page", "/workspace/spreadsheets/"),
    ):
        seconds = []
        for _run in range(3):  # the first request also pays for imports and caches
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            seconds.append(time.perf_counter() - started)
        print(
            f"  {label} ({count} uploads): {response.status_code}, "
            f"{len(response.content) / 1024:,.1f} KiB, first {seconds[0]:.2f} s, "
            f"then {min(seconds[1:]):.2f} s"
        )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
