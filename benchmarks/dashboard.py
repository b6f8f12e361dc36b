"""Response time of the public dashboard, cold and warm cache, with Django's test client.

Builds a throwaway SQLite database (never touches db.sqlite3), loads the 2021 plans and the
demo statuses, then times N requests of each page with the figures cache emptied before every
request (cold) and kept (warm). Prints the median and 95th percentile in milliseconds and the
SQL queries per request.

    DJANGO_DEV=1 .venv/bin/python benchmarks/dashboard.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_DEV", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
_db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_db}"
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = ["/", "/?period=2023&country=GTM&pillar=2", "/countries/HND/", "/report/", "/embed/"]


def timed(client: Client, url: str, cold: bool, n: int) -> tuple[list[float], int]:
    times, queries = [], 0
    for _ in range(n):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        queries = len(captured)
    return times, queries


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    call_command("migrate", verbosity=0)
    from commitments.services import load_plans, seed_demo

    load_plans()
    rows = seed_demo()
    print(f"database: 229 commitments, {rows} demo statuses; {n} requests per line")
    print(f"{'page':45} {'cache':5} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    client = Client(HTTP_HOST="localhost")
    client.get("/")  # import templates and code once
    for url in PAGES:
        for cold in (True, False):
            cache.clear()
            if not cold:
                client.get(url)  # fill the cache
            times, queries = timed(client, url, cold, n)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(
                f"{url:45} {'cold' if cold else 'warm':5} {statistics.median(times):10.1f} "
                f"{p95:8.1f} {queries:8d}"
            )


if __name__ == "__main__":
    main()
