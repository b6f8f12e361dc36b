"""The test suite's wall time: an older suite and this checkout's, side by side in one run.

    .venv/bin/python benchmarks/test_suite.py [--old COMMIT] [--runs N] [--workers 2]

The old suite runs in a temporary git worktree of COMMIT (default: the merge base of HEAD with
``main``), with this checkout's ``.venv`` and ``node_modules``; the new one in this checkout.
They run alternately (old, new, old, new, ...) N times each, so that whatever else the machine
does weighs on both alike, each as ``pytest -n WORKERS -q -p no:cacheprovider`` (what ``make
test`` runs, without the cache); DATABASE_URL is passed through as it is. Prints every run
(wall time, and the summary line of pytest), then per suite the median, the fastest and the
slowest, and the ratio of the medians. A run that fails is reported as such and still timed.
The figures go into docs/benchmarks.md.

With ``--same-tests`` the new suite runs only the tests the old one has: each old test is
found in the new layout by what follows its file in the node id (``test_name[params]``; the
files were moved and renamed, the functions and their parameters kept), else by its function
name alone (every new test of that name: e.g. the schema fuzzing, dealt into 4 tests instead
of 3). Old tests found nowhere are listed. The old suite always runs whole.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def collected(where: Path) -> list[str]:
    """The node ids of the suite in ``where``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=where, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [line.strip() for line in done.stdout.splitlines() if "::" in line]


def same_tests(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """The new node ids that are the old suite's tests, and the old ids found nowhere."""
    by_test: dict[str, list[str]] = {}
    by_function: dict[str, list[str]] = {}
    for node in new:
        test = node.split("::", 1)[1]
        by_test.setdefault(test, []).append(node)
        by_function.setdefault(test.split("[", 1)[0], []).append(node)
    chosen, missing = [], []
    for node in old:
        test = node.split("::", 1)[1]
        found = by_test.get(test) or by_function.get(test.split("[", 1)[0])
        if found:
            chosen.extend(found)
        else:
            missing.append(node)
    return sorted(set(chosen)), missing


def run_suite(where: Path, workers: int, only: list[str] = ()) -> tuple[float, int, str]:
    """(seconds, return code, pytest's last line) for one run of the suite in ``where`` (only
    the node ids ``only`` when given)."""
    command = [sys.executable, "-m", "pytest", "-n", str(workers), "-q", "-p", "no:cacheprovider"]
    command += list(only)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return seconds, done.returncode, (lines[-1] if lines else done.stderr.strip()[-200:])


def summary(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):6.1f} s, fastest {min(times):6.1f} s, "
        f"slowest {max(times):6.1f} s (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", help="the commit of the older suite (default: merge base)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each suite (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="pytest -n (default 2)")
    parser.add_argument(
        "--same-tests", action="store_true", help="the new suite runs only the old suite's tests"
    )
    args = parser.parse_args()

    old = args.old or git("merge-base", "HEAD", "main")
    old_short, new_short = git("rev-parse", "--short", old), git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "tests") else ""
    where = Path(tempfile.mkdtemp(prefix="mirps-old-suite-"))
    worktree = where / "old"
    git("worktree", "add", "--detach", str(worktree), old)
    try:
        for shared in (".venv", "node_modules"):
            if (ROOT / shared).exists():
                (worktree / shared).symlink_to((ROOT / shared).resolve())
        suites = {f"old {old_short}": worktree, f"new {new_short}{dirty}": ROOT}
        only: dict[str, list[str]] = {}
        if args.same_tests:
            old_ids, new_ids = collected(worktree), collected(ROOT)
            chosen, missing = same_tests(old_ids, new_ids)
            only[f"new {new_short}{dirty}"] = chosen
            print(
                f"same tests: the old suite's {len(old_ids)} tests are {len(chosen)} of the new "
                f"suite's {len(new_ids)}; {len(missing)} found nowhere: {', '.join(missing)}",
                flush=True,
            )
        times: dict[str, list[float]] = {name: [] for name in suites}
        database = os.environ.get("DATABASE_URL", "SQLite")
        print(
            f"{os.cpu_count()} CPUs, pytest -n {args.workers}, {args.runs} runs each, "
            f"alternating; database: {database}",
            flush=True,
        )
        for run in range(1, args.runs + 1):
            for name, path in suites.items():
                seconds, code, last = run_suite(path, args.workers, only.get(name, ()))
                times[name].append(seconds)
                state = "ok" if code == 0 else f"FAILED (exit {code})"
                print(f"run {run} {name:<40} {seconds:7.1f} s  {state}  {last}", flush=True)
        print()
        for name, values in times.items():
            print(f"{name:<40} {summary(values)}")
        old_median, new_median = (statistics.median(v) for v in times.values())
        print(f"old / new (medians): {old_median / new_median:.2f}x")
    finally:
        git("worktree", "remove", "--force", str(worktree))
        shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
