"""The corpus tally for docs/spreadsheet-corpus.md (the test, test_corpus.py, asserts it):

    DJANGO_DEV=1 .venv/bin/python tests/spreadsheets/corpus_report.py

Runs every file of the corpus as the test does (upload, preview page, correction if any, apply
all or nothing through the API, then apply the valid rows where the table asks), each in a
transaction rolled back afterwards, in a throwaway in-memory database (or DATABASE_URL's), and
prints the tally as Markdown: files by maker, responses of 500 or more, partial writes, silent
drops, and outcomes that differ from the table. It also prints how long each refused file took.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
os.environ.setdefault("DJANGO_DEV", "1")

import django  # noqa: E402


def maker(name: str) -> str:
    crafted = (
        "truncated", "damaged", "old-", "password", "web-", "binary", "empty-file", "not-a-",
        "macros", "entities", "140-", "million-", "matrix-long-narrative", "i19-huge-",
        "i19-long-", "i19-nul-", "i19-photos", "i19-report-letter", "i19-chart",
        "i19-cycling-",
    )  # fmt: skip
    if name.startswith(crafted):
        return "byte by byte (hostile, damaged, oversized)"
    if name in ("i19-matrix-printed.pdf", "i19-libreoffice-utf16.csv"):
        return "LibreOffice (a PDF, a UTF-16 CSV)"
    if name.endswith(".lo.xlsx"):
        return "LibreOffice (.xlsx saved from .ods)"
    if name.endswith(".ods"):
        return "LibreOffice (.ods)"
    if name.endswith((".csv", ".txt")):
        return "CSV and text (the app's export, Excel-style, UTF-16)"
    return "openpyxl (.xlsx, most from the app's own downloads)"


def differs(outcome, case) -> list[str]:
    found = []
    if case["rejected"]:
        if outcome.rejected != case["rejected"]:
            found.append(f"rejected {outcome.rejected} != {case['rejected']}")
        return found
    preview = outcome.preview
    problems = sorted([p["sheet"], p["row"], p["column"], p["code"]] for p in preview["problems"])
    if problems != case["problems"]:
        found.append("problems")
    if preview["tally"] != case["tally"]:
        found.append("tally")
    if case.get("indicators") is not None and outcome.indicators_all != case["indicators"]:
        found.append("indicator values written")
    if outcome.written_all != case["written"]:
        found.append("written")
    if case["valid_rows"] is not None and outcome.written_valid != case["valid_rows"]:
        found.append("valid rows")
    return found


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from commitments.services import load_plans
    from spreadsheets.reading import Rejected, read
    from tests.spreadsheets.corpus import load_expected, make_users, run

    setup_test_environment()
    logging.disable(logging.WARNING)  # the 409s of refused applies are expected
    if "DATABASE_URL" not in os.environ:
        connection.settings_dict["NAME"] = ":memory:"
    call_command("migrate", verbosity=0)
    expected = load_expected()
    totals = Counter()
    makers = Counter(maker(name) for name in expected)
    refusals = []
    with transaction.atomic():
        load_plans()
        from indicators.loading import load_indicators

        load_indicators()
        users = make_users()
        Client(SERVER_NAME="localhost").get("/")  # load what the first request loads
        for name, case in sorted(expected.items()):
            with transaction.atomic():
                started = time.perf_counter()
                outcome = run(name, case, users, Client(SERVER_NAME="localhost"))
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
            totals["files"] += 1
            totals["500s"] += len(outcome.server_errors)
            totals["partial writes"] += int(outcome.partial)
            totals["silent drops"] += outcome.silent_drops
            totals["outcomes unlike the table"] += int(bool(differs(outcome, case)))
            totals["rejected"] += int(bool(outcome.rejected))
            totals["read"] += outcome.preview.get("tally", {}).get("read", 0)
            if outcome.rejected:
                timing = _refusal_time(name, read, Rejected)
                refusals.append((name, outcome.rejected, elapsed, timing))
        transaction.set_rollback(True)
    print("| made by | files |\n|---|---:|")
    for label, count in makers.most_common():
        print(f"| {label} | {count} |")
    print("\n| | count |\n|---|---:|")
    for key in ("files", "read", "rejected", "500s", "partial writes", "silent drops",
                "outcomes unlike the table"):  # fmt: skip
        print(f"| {key} | {totals[key]} |")
    print(
        "\n| refused file | size | why | refused after (s, wall / CPU) | whole request cycle (s) |"
        "\n|---|---:|---|---:|---:|"
    )
    for name, code, elapsed, (wall, cpu, size) in refusals:
        print(f"| `{name}` | {size / 1024:.0f} KiB | `{code}` | {wall:.2f} / {cpu:.2f} | "
              f"{elapsed:.2f} |")  # fmt: skip


def _refusal_time(name, read, rejected):
    """Best of three: how long reading takes until the file is refused (wall and CPU)."""
    from tests.spreadsheets.corpus import FILES

    data = (FILES / name).read_bytes()
    best = None
    for _i in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            read(data)
        except rejected:
            pass
        result = (time.perf_counter() - wall, time.process_time() - cpu, len(data))
        best = result if best is None or result[0] < best[0] else best
    return best


if __name__ == "__main__":
    main()
