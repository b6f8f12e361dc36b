"""Where the 10,000-row upload's time goes: our process, and each statement the server runs.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/upload_server_time.py
    ... --immediate    # the foreign keys checked at each row (SET CONSTRAINTS ALL IMMEDIATE)

Makes its own database ``mirps_bench_sheettime`` (as ``spreadsheet_upload.py`` does, the same
file), then runs ours (preview, then the atomic apply) ``--runs`` times with the status table
emptied and vacuumed before each, and prints per run the wall time, our process's CPU time and
the time spent waiting on the database (every statement, the COPY and the COMMIT), then the
slowest statements of the last run. The foreign keys of the status table are deferred (Django
creates them ``DEFERRABLE INITIALLY DEFERRED``): their checks run at COMMIT, which
``--immediate`` moves into the COPY to show what they cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

NAME = os.environ.get("BENCH_NAME", "sheettime")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--immediate", action="store_true")
    args = parser.parse_args()
    benchdb.drop(NAME)
    benchdb.configure(NAME)
    import django

    django.setup()
    import spreadsheet_upload as upload
    from django.core.management import call_command
    from django.db import connection

    if not benchdb.is_empty(connection):
        raise benchdb.NotOurs(f"{NAME} is not empty")
    call_command("migrate", verbosity=0)
    benchdb.mark(connection, f"upload server time, {args.rows} rows")
    run = upload.ours(upload.setup_data(args.rows), args.rows)
    timed: list[tuple[float, str]] = []
    _time_statements(connection, timed, immediate=args.immediate)
    print(f"{args.rows:,} rows, {connection.vendor}; seconds per run")
    for number in range(args.runs):
        upload.empty_statuses(connection, vacuum=True)
        timed.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(_wrapper(timed)):
            run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        waited = sum(seconds for seconds, _ in timed)
        print(
            f"run {number + 1}: wall {wall:.3f}  our CPU {cpu:.3f}  "
            f"waiting on the database {waited:.3f} ({len(timed)} statements)"
        )
    print("slowest statements of the last run:")
    for seconds, sql in sorted(timed, reverse=True)[:12]:
        print(f"  {seconds * 1000:7.1f} ms  {sql}")


def _wrapper(timed):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql[:100]))

    return wrapper


def _time_statements(connection, timed, *, immediate: bool) -> None:
    """Time the COMMIT and the COPY too (neither goes through Django's execute wrappers)."""
    from django.db.backends.utils import CursorWrapper

    commit = connection._commit

    def timed_commit():
        started = time.perf_counter()
        try:
            return commit()
        finally:
            timed.append((time.perf_counter() - started, "COMMIT"))

    def copy_expert(self, *args, **kwargs):
        if immediate:
            self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        try:
            return self.cursor.copy_expert(*args, **kwargs)
        finally:
            timed.append((time.perf_counter() - started, "COPY"))

    connection._commit = timed_commit
    CursorWrapper.copy_expert = copy_expert


if __name__ == "__main__":
    main()
