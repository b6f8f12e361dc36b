"""Throwaway benchmark databases: created here, marked as ours, and the only ones we touch.

Every benchmark that writes calls ``configure(name)`` before ``django.setup()``. The database is

* PostgreSQL, when ``BENCH_PG`` is set (e.g. ``postgres://postgres@127.0.0.1:5432``, a server
  URL without a database): the database ``mirps_bench_<name>`` on that server, created if absent;
* SQLite otherwise: the file ``mirps_bench_<name>.sqlite3`` in ``BENCH_DIR`` (default: the
  system's temporary directory).

Refusals, so a benchmark can never write into a real database: a ``DATABASE_URL`` in the
environment is ignored (never reused), a name that does not start with ``mirps_bench_`` is
refused, and an existing database without our marker table (``mirps_bench_marker``, written by
the generator when it creates the database) is refused before anything is written.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "mirps_bench_"
MARKER = "mirps_bench_marker"


class NotOurs(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"refused: {message}")


def database_url(name: str) -> str:
    """The URL of the throwaway database ``mirps_bench_<name>`` (PostgreSQL or SQLite)."""
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
        raise NotOurs(f"benchmark database names are lower-case letters, digits, _: {name!r}")
    db = PREFIX + name
    server = os.environ.get("BENCH_PG", "").rstrip("/")
    if server:
        parts = urlsplit(server)
        if parts.scheme not in ("postgres", "postgresql") or parts.path not in ("", "/"):
            raise NotOurs("BENCH_PG is a server URL without a database, e.g. postgres://host:5432")
        return f"{server}/{db}"
    folder = Path(os.environ.get("BENCH_DIR") or tempfile.gettempdir())
    return f"sqlite:///{folder / (db + '.sqlite3')}"


def check_name(url: str) -> None:
    """Refuse any database whose name is not ``mirps_bench_…``."""
    if url.startswith("sqlite"):
        name = Path(urlsplit(url).path).name
    else:
        name = urlsplit(url).path.lstrip("/")
    if not name.startswith(PREFIX):
        raise NotOurs(f"{name!r} is not a benchmark database ({PREFIX}…)")


def configure(name: str, settings: str = "mirps.settings") -> str:
    """Point Django at ``mirps_bench_<name>`` (before ``django.setup()``); returns its URL.

    Creates the PostgreSQL database when it does not exist. Any DATABASE_URL already in the
    environment is replaced, never used."""
    sys.path.insert(0, str(ROOT))
    url = database_url(name)
    check_name(url)
    if url.startswith("postgres"):
        _create_pg(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("DJANGO_DEV", "1")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="mirps-bench-media-"))
    return url


def _create_pg(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    db = parts.path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{db}"')
    admin.close()


def drop(name: str) -> None:
    """Drop ``mirps_bench_<name>`` (only ours: the marker must be there)."""
    url = database_url(name)
    check_name(url)
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        if path.exists():
            import sqlite3

            con = sqlite3.connect(path)
            ok = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [MARKER]
            ).fetchone()
            con.close()
            if not ok:
                raise NotOurs(f"{path} has no {MARKER} table")
            path.unlink()
        return
    import psycopg2

    db = urlsplit(url).path.lstrip("/")
    try:
        con = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return  # absent
    with con.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [MARKER])
        ours = cur.fetchone()[0] is not None
    con.close()
    if not ours:
        raise NotOurs(f"{db} has no {MARKER} table")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE "{db}"')
    admin.close()


def is_marked(connection) -> bool:
    """True when the connected database carries our marker table."""
    return MARKER in connection.introspection.table_names()


def is_empty(connection) -> bool:
    return not connection.introspection.table_names()


def require_ours(connection) -> None:
    """Refuse to go on unless the connected database is a marked benchmark database."""
    check_name(os.environ["DATABASE_URL"])
    if not is_marked(connection):
        raise NotOurs(
            f"{connection.settings_dict['NAME']} has no {MARKER} table: run "
            "benchmarks/generate.py first (it only fills an empty database)"
        )


def mark(connection, description: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {MARKER} (description varchar(200) NOT NULL)")
        cur.execute(f"INSERT INTO {MARKER} (description) VALUES (%s)", [description])


def description(connection) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT description FROM {MARKER}")
        return cur.fetchone()[0]
