"""Response time of the public pages, cold and warm cache, with Django's test client.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/dashboard.py 100k
    .venv/bin/python benchmarks/dashboard.py 229 --cold 10 --warm 50     # SQLite

Reads a benchmark database made by ``generate.py`` (refuses any other). For each page it times
``--cold`` requests with the cache emptied before each (everything computed: the figures, the
page's content) and ``--warm`` requests with the cache filled, in process (no network, no web
server; ``benchmarks/load.py`` measures under load). Prints the median and the spread (min-max)
in milliseconds, the SQL queries of the last request and the size of the page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

PAGES = [
    "/",
    "/?period=2023&country=GTM&pillar=2",
    "/countries/HND/",
    "/changes/",
    "/commitments/?status=3",
    "/api/v1/progress/?by=pillar&period=2024",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", help="benchmark database (mirps_bench_<name>)")
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=30)
    args = parser.parse_args()
    benchdb.configure(args.name)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from commitments.models import Commitment
    from statuses.models import StatusUpdate

    benchdb.require_ours(connection)
    print(
        f"{connection.settings_dict['NAME']} ({connection.vendor}): "
        f"{Commitment.objects.count():,} commitments, {StatusUpdate.objects.count():,} status "
        f"rows; {args.cold} cold and {args.warm} warm requests per page; ms: median (min-max)"
    )
    print(f"{'page':42} {'cache':5} {'median':>9} {'min':>9} {'max':>9} {'queries':>7} {'KiB':>7}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/")  # import templates and code once
    for url in PAGES:
        for cold, n in ((True, args.cold), (False, args.warm)):
            cache.clear()
            if not cold:
                client.get(url)  # fill the cache
            times = []
            for _ in range(n):
                if cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(
                f"{url:42} {'cold' if cold else 'warm':5} {statistics.median(times):9.1f} "
                f"{min(times):9.1f} {max(times):9.1f} {len(captured):7d} "
                f"{len(response.content) / 1024:7.1f}"
            )


if __name__ == "__main__":
    main()
