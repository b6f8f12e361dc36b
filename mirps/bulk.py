"""``insert_many``: Django's ``bulk_create`` for plain new rows, without its per-value cost.

``QuerySet.bulk_create`` prepares every value of every row through the field (``pre_save``,
``get_db_prep_save``, a check for expressions): for 10,000 status rows of 16 columns that is
160,000 calls and most of the time of a spreadsheet's apply (issue 21). Here the values are
taken column by column; each field's ``pre_save`` is called only where the field defines one
(files holding an object to save), a date set on save is taken once for the whole insert (one
recording time: ``bulk_create`` stamps each row a few microseconds apart), and each field
prepares each distinct value once (rows share their period, author, source, review state).
The SQL, the batches (the backend's ``bulk_batch_size``, so the same number of queries), the
other values written and the ids set on the objects are those of ``bulk_create``; anything it does
that this does not (expressions, primary keys set by the caller, fields with their own
placeholder, backends that cannot return the new ids) goes to ``bulk_create`` itself.
"""

from __future__ import annotations

import datetime
import io
from itertools import chain

from django.db import connections, router, transaction
from django.db.models import AutoField, Field, FileField

# Values whose equality means the same value for the database (1 == True == 1.0 are keyed by
# type too); datetimes also by their time zone.
_MEMO_TYPES = (int, str, bool, type(None), datetime.date, datetime.datetime)
_PLAIN = frozenset({int, str, bool, type(None)})
COPY_FROM = 2000  # rows from which PostgreSQL writes them with COPY (``_copy``)


def insert_many(objs: list, *, batch_size: int | None = None) -> list:
    """Insert the unsaved ``objs`` (one model) as ``bulk_create`` would; returns them with
    their new primary keys set."""
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in opts.concrete_fields if not f.generated]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or len(opts.all_parents) > 0
        or not isinstance(opts.pk, AutoField)
        or opts.pk.has_default()
        or any(type(o) is not model or o._is_pk_set() for o in objs)
        or any(hasattr(f, "get_placeholder") for f in fields)
    ):
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    fields = [f for f in fields if not isinstance(f, AutoField)]
    for obj in objs:  # what bulk_create checks of each object (unsaved related objects)
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    try:  # column by column: each field's values, then each distinct value prepared once
        columns = [_column(field, objs, connection) for field in fields]
    except _Expression:
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    rows = list(zip(*columns, strict=True))
    max_batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
    batch_size = min(batch_size, max_batch) if batch_size else max_batch
    returning = opts.db_returning_fields
    returned = None
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM and returning == [opts.pk]:
        returned = _copy(connection, opts, fields, rows)
    if returned is not None:
        returning = [opts.pk]
    else:
        returned = _insert(connection, opts, fields, rows, batch_size)
    assert len(returned) == len(objs)
    converters = _converters(connection, opts, returning)
    for obj, values in zip(objs, returned, strict=True):
        for value, field in zip(values, returning, strict=True):
            for converter in converters.get(field, ()):
                value = converter(value, field.get_col(opts.db_table), connection)
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using
    return objs


def _insert(connection, opts, fields, rows: list, batch_size: int) -> list:
    """``bulk_create``'s INSERTs: one per batch, returning the new rows' returned fields."""
    ops, qn = connection.ops, connection.ops.quote_name
    returning = opts.db_returning_fields
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returned = []
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            sql = head + ", ".join([one] * len(batch))
            params = list(chain.from_iterable(batch))
            suffix, suffix_params = ops.return_insert_columns(returning)
            if suffix:
                sql, params = f"{sql} {suffix}", params + list(suffix_params)
            cursor.execute(sql, params)
            returned.extend(ops.fetch_returned_insert_rows(cursor))
    return returned


def _copy(connection, opts, fields, rows: list) -> list | None:
    """PostgreSQL: the new ids taken from the table's sequence in one query (ascending, as
    the INSERTs would give them), then every row with its id in one ``COPY … FROM STDIN``
    (the server parses no statement of 16,000 parameters per batch). None, and nothing
    written, when a value has no plain text form here (then the INSERTs write them)."""
    try:
        lines = ["\t".join(_copy_text(value) for value in row) for row in rows]
    except _NotText:
        return None
    qn, table = connection.ops.quote_name, opts.db_table
    columns = ", ".join(qn(f.column) for f in [opts.pk, *fields])
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [qn(table), opts.pk.column, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        text = "".join(f"{pk}\t{line}\n" for pk, line in zip(ids, lines, strict=True))
        cursor.copy_expert(f"COPY {qn(table)} ({columns}) FROM STDIN", io.StringIO(text))
    return [(pk,) for pk in ids]


# COPY's text format: these characters escaped, NULL as \N
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A prepared value in COPY's text format; ``_NotText`` for anything but plain values."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, int):  # also a choice (IntegerChoices): its number
        return str(int(value))
    if isinstance(value, str):  # also a choice (TextChoices): its text
        return str.translate(value, _COPY_ESCAPES)
    if kind in (datetime.datetime, datetime.date):
        return value.isoformat()
    raise _NotText


class _NotText(Exception):
    """A value COPY's text is not written for here: the rows go as INSERTs."""


def _column(field, objs: list, connection) -> list:
    """The values ``field`` writes for ``objs``, prepared for the database as ``bulk_create``
    prepares them: through the field's own ``pre_save`` where it has one (a date set on save,
    a file), each distinct value through ``get_db_prep_save`` once. A file field holding a
    name (text) writes that name: its ``pre_save`` would only wrap it in a committed file."""
    attname = field.attname
    if isinstance(field, FileField):
        values = [o.__dict__.get(attname) for o in objs]
        values = [
            value if isinstance(value, str) else field.pre_save(obj, add=True)
            for obj, value in zip(objs, values, strict=True)
        ]
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # the time of the write, once: the rows of one insert share it (bulk_create stamps
        # each a few microseconds apart; ties are ordered by id, as those rows were)
        now = field.pre_save(objs[0], add=True)
        for obj in objs:
            setattr(obj, attname, now)
        values = [now] * len(objs)
    elif type(field).pre_save is not Field.pre_save:
        values = [field.pre_save(obj, add=True) for obj in objs]
    else:
        values = [getattr(obj, attname) for obj in objs]
    memo: dict = {}
    prepared = []
    for value in values:
        kind = type(value)
        if kind in _PLAIN or isinstance(value, _MEMO_TYPES):
            # equal values of one type are one value for the database; datetimes also by zone
            key = (kind, value, getattr(value, "tzinfo", None))
            if key not in memo:
                memo[key] = field.get_db_prep_save(value, connection=connection)
            prepared.append(memo[key])
        elif hasattr(value, "resolve_expression"):
            raise _Expression
        else:
            prepared.append(field.get_db_prep_save(value, connection=connection))
    return prepared


class _Expression(Exception):
    """A value is an expression: left to ``bulk_create``."""


def _converters(connection, opts, fields) -> dict:
    """The backend's and the fields' converters of the returned values (as the compiler
    applies them)."""
    found = {}
    for field in fields:
        col = field.get_col(opts.db_table)
        backend = connection.ops.get_db_converters(col)
        own = field.get_db_converters(connection)
        if backend or own:
            found[field] = [*backend, *own]
    return found
