"""Building a release: how long, how big, and what a web request pays when it is a job.

    .venv/bin/python benchmarks/releases.py 20k --repeat 3     # SQLite, one database a run
    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/releases.py 100k

Reads benchmark databases made by ``generate.py`` (refuses any other; the files go to a
temporary MEDIA_ROOT). For each database it builds release 1.0 of period ``--period``
``--repeat`` times through ``releases.services.build`` (the worker's code), deleting the
release between runs (benchmark database only), and prints for each: the whole build, and
apart from it the reading of the tables (queries and the progress engine) and the rendering
of the files (CSV, JSON, HXL, data package, zip), the bytes written, the peak memory of the
process; then what the lock's request pays when the build is a job (``request_release`` with
the build queued in Huey: a row and a queued message).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):8.0f} ({min(values):.0f}-{max(values):.0f})"


def _forget(release) -> None:
    """Delete a benchmark release and its files (never done by the application)."""
    from django.core.files.storage import default_storage

    from releases.models import Release, ReleaseFile

    for f in ReleaseFile.objects.filter(release=release):
        default_storage.delete(f.file.name)
    ReleaseFile.objects.filter(release=release).delete()
    Release.objects.filter(pk=release.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="benchmark database (mirps_bench_<name>)")
    parser.add_argument("--period", default="2024")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.name, args)


def run(name: str, args) -> None:
    import os

    benchdb.configure(name)
    os.environ["JOBS_SQLITE"] = str(Path(tempfile.mkdtemp(prefix="mirps-bench-jobs-")) / "q")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from commitments.models import Commitment
    from mirps import jobs
    from periods.models import ReportingPeriod
    from releases import files as release_files
    from releases import services
    from releases.models import Release
    from releases.tables import data_tables

    benchdb.require_ours(connection)
    call_command("migrate", verbosity=0)
    period = ReportingPeriod.objects.get(code=args.period)
    n = Commitment.objects.count()
    print(f"{connection.settings_dict['NAME']} ({connection.vendor}): {n:,} commitments")
    for old in Release.objects.filter(period=period):
        _forget(old)
    builds, reads, renders = [], [], []
    size = 0
    for _ in range(args.repeat):
        release = Release.objects.create(period=period, state=Release.State.QUEUED)
        started = time.perf_counter()
        release = services.build(release.pk)
        builds.append((time.perf_counter() - started) * 1000)
        assert release.state == "published", release.error
        size = release.size
        _forget(release)
        started = time.perf_counter()
        tables = data_tables(period)
        reads.append((time.perf_counter() - started) * 1000)
        tables["changes"], tables["errata"] = [], []
        meta = release_files.Meta(period.code, "1.0", release.published_at, "https://x/", n)
        started = time.perf_counter()
        contents = release_files.render(meta, tables, {})
        renders.append((time.perf_counter() - started) * 1000)
        del contents, tables
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  build (ms, median (min-max) of {args.repeat}): {_ms(builds)}")
    print(f"    reading the tables:                       {_ms(reads)}")
    print(f"    rendering the files:                      {_ms(renders)}")
    print(f"  files: {size / 1e6:.1f} MB in all; peak memory of the process {peak:.0f} MiB")

    # what the lock's request pays when the build is a job: queue it, no worker running
    threshold = settings.RELEASES_INLINE_MAX_COMMITMENTS
    settings.RELEASES_INLINE_MAX_COMMITMENTS = 0
    settings.JOBS_EMBEDDED_WORKER = False
    jobs.queue().immediate = False
    queued = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        release = services.request_release(period)
        queued.append((time.perf_counter() - started) * 1000)
        release.refresh_from_db()
        assert release.state == "queued"
        Release.objects.filter(pk=release.pk).delete()
    jobs.queue().flush()
    print(f"  the request's share when queued (ms): {_ms(queued)}")
    print(f"  built inline up to RELEASES_INLINE_MAX_COMMITMENTS = {threshold}")


if __name__ == "__main__":
    main()
