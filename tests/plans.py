"""The 2021 plans for a test, loaded by ``load_plans`` once per test process and then replayed.

``load_plans`` costs about 0.15 s (some 300 commitments matched by natural key, row by row);
about 500 tests start from the plans. ``loaded_plans()`` runs the real ``load_plans`` the first
time in a process, notes the rows it added (every table, compared before and after), and from
then on, in a database in the same state as then (every table's row count the same), inserts
those rows again in one statement per table, in a transaction, and announces the changed
figures as ``load_plans`` does. Anything else (a database already holding other rows, a row
changed rather than added) falls back to the real ``load_plans``. ``load_plans`` itself is
tested as such in ``tests/commitments/test_load_plans.py``; there it is always the real one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from commitments.models import Commitment
from commitments.services import load_plans
from mirps.signals import announce_figures_changed

SKIPPED = {"sqlite_sequence", "django_migrations"}


@dataclass
class _Snapshot:
    database: tuple
    counts: dict[str, int]  # every table's row count before load_plans
    added: dict[str, tuple[list[str], list[tuple]]]  # table: (columns, rows added)


_snapshot: _Snapshot | None = None
_refused: set[tuple] = set()  # databases where the first load changed existing rows
replays = 0  # how many times the rows were replayed (for the shortcut's own test)


def _database() -> tuple:
    return (connection.vendor, connection.settings_dict["NAME"])


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in SKIPPED)


def _counts(cursor, tables) -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)
    cursor.execute(sql)
    return dict(cursor.fetchall())


def _rows(cursor, table) -> tuple[list[str], list[tuple]]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    return [c[0] for c in cursor.description], [tuple(r) for r in cursor.fetchall()]


def _storable(value):
    if isinstance(value, dict | list):  # a JSON column as PostgreSQL's driver decoded it
        return json.dumps(value)
    return value


def loaded_plans() -> None:
    """The database as ``load_plans()`` leaves it (see the module's docstring)."""
    global _snapshot
    database = _database()
    with connection.cursor() as cursor:
        tables = _tables()
        counts = _counts(cursor, tables)
        if _snapshot is not None and _snapshot.database == database:
            if _snapshot.counts == counts:
                _replay(cursor, _snapshot)
                return
            load_plans()
            return
        if database in _refused:
            load_plans()
            return
        before = {t: _rows(cursor, t) for t in tables if counts[t]}
        load_plans()
        after_counts = _counts(cursor, tables)
        added = {}
        for table in tables:
            if not after_counts[table]:
                continue
            columns, rows = _rows(cursor, table)
            old = set(before.get(table, ([], []))[1])
            if not old <= set(rows):  # a row changed or removed: not a pure addition
                _refused.add(database)
                return
            new = [row for row in rows if row not in old]
            if new:
                added[table] = (columns, new)
        _snapshot = _Snapshot(database, counts, added)


def _replay(cursor, snapshot: _Snapshot) -> None:
    global replays
    quote = connection.ops.quote_name
    with transaction.atomic():  # foreign keys are checked at its end, whatever the order
        for table, (columns, rows) in snapshot.added.items():
            names = ", ".join(quote(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                [tuple(_storable(v) for v in row) for row in rows],
            )
        by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
        models = [by_table[t] for t in snapshot.added if t in by_table]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)  # PostgreSQL: the next id after the rows inserted with theirs
    announce_figures_changed(Commitment)
    replays += 1
