"""Requests per second of cached pages against a trivial Django view, under load, on loopback.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/load.py 100k
    .venv/bin/python benchmarks/load.py 100k --cache redis      # CACHE_URL=redis://…/4

Starts gunicorn (2 sync workers, the production settings with ``benchmarks/bench_settings.py``
adding the trivial view ``/bench/trivial/``) on 127.0.0.1:``--port`` against a benchmark
database made by ``generate.py`` (refuses any other), and stops it at the end. Then:

1. **two cold readers at once**: the figures version is renewed (as after an approval) and
   ``--concurrent`` requests for ``/`` are sent together: every one must answer 200, and the
   figures are computed once (the others wait for them);
2. **throughput**: ``wrk`` (Debian's package; ``apt-get install wrk``) with ``--threads`` threads
   and ``--connections`` connections for ``--duration`` seconds per URL, every URL once per run,
   ``--runs`` runs; the cached pages' requests per second are divided by the trivial view's in
   the same run.

Traffic goes to 127.0.0.1 only; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
URLS = [
    "/bench/trivial/",
    "/",
    "/countries/HND/",
    "/api/v1/progress/?by=pillar&period=2024",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", help="benchmark database (mirps_bench_<name>)")
    parser.add_argument("--port", type=int, default=18280)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--concurrent", type=int, default=2)
    parser.add_argument("--cache", choices=["file", "redis"], default="file")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not (1024 <= args.port <= 65535):
        raise SystemExit("--port must be a user port")
    url = benchdb.configure(args.name, settings="benchmarks.bench_settings")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DJANGO_DEV": "0",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    cache_dir = tempfile.mkdtemp(prefix="mirps-bench-cache-")
    if args.cache == "redis":
        env["CACHE_URL"] = args.redis
    else:
        env["CACHE_DIR"] = cache_dir
        env.pop("CACHE_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_DEV", "SECRET_KEY", "ALLOWED_HOSTS")})
    os.environ.update({k: v for k, v in env.items() if k.startswith("CACHE_")})
    import django

    django.setup()
    from django.db import connection

    benchdb.require_ours(connection)
    from commitments.models import Commitment
    from statuses.models import StatusUpdate

    print(
        f"{connection.settings_dict['NAME']} ({connection.vendor}): "
        f"{Commitment.objects.count():,} commitments, {StatusUpdate.objects.count():,} status "
        f"rows; gunicorn 2 workers, cache: {args.cache}; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s, {args.runs} runs"
    )
    connection.close()
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "mirps.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "30",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait(base + URLS[0])
        cold_readers(base, args.concurrent)
        for path in URLS:  # fill the cache
            _get(base + path)
        results: dict[str, list[float]] = {path: [] for path in URLS}
        for _run in range(args.runs):
            for path in URLS:
                results[path].append(_wrk(base + path, args))
        trivial = results[URLS[0]]
        print(f"\n{'URL':45} {'req/s per run':>30} {'median':>8} {'÷ trivial':>10}")
        for path, values in results.items():
            ratios = [v / t for v, t in zip(values, trivial, strict=True)]
            runs = " ".join(f"{v:7.0f}" for v in values)
            print(
                f"{path:45} {runs:>30} {statistics.median(values):8.0f} "
                f"{100 * statistics.median(ratios):9.0f}%"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(cache_dir, ignore_errors=True)


def cold_readers(base: str, n: int) -> None:
    """Renew the figures version (as an approval does) and send ``n`` requests for / at once."""
    from reports import cache as figures

    figures.cache.set(figures.VERSION_KEY, "benchmark-" + str(time.time()), timeout=None)
    outcomes: list[tuple[int, float]] = []

    def one():
        started = time.perf_counter()
        try:
            status = _get(base + "/")
        except urllib.error.HTTPError as exc:
            status = exc.code
        outcomes.append((status, time.perf_counter() - started))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"{n} cold readers of / at once: "
        + ", ".join(f"HTTP {status} in {seconds:.2f} s" for status, seconds in outcomes)
    )


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
        response.read()
        return response.status


def _wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def _wrk(url: str, args) -> float:
    out = subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", url],
        capture_output=True,
        text=True,
        timeout=args.duration + 30,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


if __name__ == "__main__":
    main()
