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
import functools
import io
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import (
    AutoField,
    CharField,
    Field,
    FileField,
    ForeignKey,
    IntegerField,
    TextField,
)
from django.db.models.fields import AutoFieldMixin

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
    if _instances_only(connection, opts, fields) or any(
        type(o) is not model or o._is_pk_set() for o in objs
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
    returned, returning = _write(connection, opts, fields, rows, batch_size)
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


def _write(connection, opts, fields, rows: list, batch_size: int | None) -> tuple[list, list]:
    """Write the prepared ``rows`` (values of ``fields``): with COPY on PostgreSQL from
    ``COPY_FROM`` rows, else as ``bulk_create``'s INSERTs (its batches). Returns the returned
    values of each row and the fields they are of."""
    max_batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    batch_size = min(batch_size, max_batch) if batch_size else max_batch
    returning = opts.db_returning_fields
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM and returning == [opts.pk]:
        returned = _copy(connection, opts, fields, rows)
        if returned is not None:
            return returned, [opts.pk]
    return _insert(connection, opts, fields, rows, batch_size), returning


class Same(NamedTuple):
    """A column's one value for every row (``insert_columns``), prepared once."""

    value: object


class Inserted(Sequence):
    """The rows ``insert_columns`` wrote: ``ids`` (in the rows' order) and, read as a
    sequence, the rows as saved model instances, each with the values it was given, its id
    and its dates set on save; made on the first read (a 10,000-row write that reads none of
    them makes none)."""

    def __init__(self, model, columns: dict, ids: list, stamped: dict[str, list], db: str):
        self.model, self.ids, self.stamped, self.db = model, ids, stamped, db
        self._columns = columns

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        return self._made[index]

    @functools.cached_property
    def _made(self) -> list:
        made = []
        for i, pk in enumerate(self.ids):
            values = {
                name: given.value if isinstance(given, Same) else given[i]
                for name, given in self._columns.items()
            }
            values.update({name: stamped[i] for name, stamped in self.stamped.items()})
            obj = self.model(pk=pk, **values)
            obj._state.adding, obj._state.db = False, self.db
            made.append(obj)
        return made

    def __repr__(self) -> str:
        return f"<Inserted: {len(self)} {self.model._meta.label} rows>"


_MISSING = object()


def insert_columns(
    model, columns: dict[str, list | Same], *, count: int, batch_size: int | None = None
) -> Inserted:
    """Insert ``count`` new rows of ``model`` given column by column, without making a model
    instance per row: ``columns`` maps a field's attribute name (``commitment_id``) to its
    values, a list with one per row, or ``Same(value)`` for every row. A field not named takes
    its default, and a date set on save the time of the write, once for every row (as
    ``insert_many``). The values are prepared as ``insert_many`` prepares them (each distinct
    value once through its field; plain ints and texts a field writes unchanged, as they are),
    and written with the same SQL: the same rows and ids as ``insert_many`` of instances with
    these values. Files must be given by name (saved first); a column holding an expression,
    or a model or backend ``insert_many`` leaves to ``bulk_create``, is written through
    instances and ``insert_many``."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"not columns of {opts.label}: {sorted(unknown)}")
    using = router.db_for_write(model)
    if count == 0:
        return Inserted(model, columns, [], {}, using)
    full, stamped, blank, made = {}, {}, None, {}
    for field in fields:
        given = columns.get(field.attname, _MISSING)
        if given is _MISSING and (
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ):
            blank = blank or model()
            given = Same(field.pre_save(blank, add=True))
            stamped[field.attname] = [given.value] * count
        elif given is _MISSING and field.has_default() and callable(field.default):
            given = made[field.attname] = [field.get_default() for _ in range(count)]
        elif given is _MISSING:
            given = Same(field.get_default())
        if not isinstance(given, Same) and len(given) != count:
            raise ValueError(f"{field.attname}: {len(given)} values for {count} rows")
        if isinstance(field, FileField) and not all(
            isinstance(v, str) for v in ([given.value] if isinstance(given, Same) else given)
        ):
            raise TypeError(f"{field.attname}: files are given by name (saved first)")
        full[field] = given
    columns = {**columns, **made}  # the defaults made per row: the instances read them too
    connection = connections[using]
    if _instances_only(connection, opts, fields):
        return _through_instances(model, columns, full, stamped, count, batch_size)
    try:
        prepared = [
            [_prepared(f, [v.value], connection)[0]] * count
            if isinstance(v, Same)
            else _prepared(f, v, connection)
            for f, v in full.items()
        ]
    except _Expression:
        return _through_instances(model, columns, full, stamped, count, batch_size)
    rows = list(zip(*prepared, strict=True))
    returned, returning = _write(connection, opts, list(full), rows, batch_size)
    assert len(returned) == count
    at = returning.index(opts.pk)
    converters = _converters(connection, opts, [opts.pk]).get(opts.pk, ())
    col = opts.pk.get_col(opts.db_table)
    ids = []
    for values in returned:
        pk = values[at]
        for converter in converters:
            pk = converter(pk, col, connection)
        ids.append(pk)
    return Inserted(model, columns, ids, stamped, using)


def _instances_only(connection, opts, fields) -> bool:
    """Whether rows of this model are written through instances (``bulk_create``'s cases)."""
    return (
        not connection.features.can_return_rows_from_bulk_insert
        or len(opts.all_parents) > 0
        or not isinstance(opts.pk, AutoField)
        or opts.pk.has_default()
        or any(hasattr(f, "get_placeholder") for f in fields)
    )


def _through_instances(model, columns: dict, full: dict, stamped: dict, count: int, batch_size):
    """``insert_columns`` through one instance per row and ``insert_many``."""
    objs = [
        model(
            **{
                f.attname: v.value if isinstance(v, Same) else v[i]
                for f, v in full.items()
                if f.attname not in stamped
            }
        )
        for i in range(count)
    ]
    insert_many(objs, batch_size=batch_size)
    stamped = {name: [getattr(o, name) for o in objs] for name in stamped}
    return Inserted(model, columns, [o.pk for o in objs], stamped, objs[0]._state.db)


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
    try:  # column by column (a column of one type at once, repeated values once)
        texts = [_copy_column(column) for column in zip(*rows, strict=True)]
    except _NotText:
        return None
    lines = ["\t".join(values) for values in zip(*texts, strict=True)]
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


def _copy_column(values: tuple) -> list[str]:
    """``_copy_text`` of each of a column's values: a column of plain ints or texts (with
    or without empty values) at once, any other column each distinct value once."""
    kinds = set(map(type, values))
    if kinds <= {int, type(None)}:
        return ["\\N" if v is None else str(v) for v in values]
    if kinds <= {str, type(None)}:
        return ["\\N" if v is None else v.translate(_COPY_ESCAPES) for v in values]
    memo: dict = {}
    texts = []
    for value in values:
        key = (type(value), value, getattr(value, "tzinfo", None))
        try:
            text = memo.get(key)
        except TypeError:  # not hashable
            text = None
        if text is None:
            text = _copy_text(value)
            try:
                memo[key] = text
            except TypeError:
                pass
        texts.append(text)
    return texts


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
    return _prepared(field, values, connection)


def _prepared(field, values: list, connection) -> list:
    """``values`` prepared for the database through ``field`` (``get_db_prep_save``), each
    distinct value once; a column of plain ints or texts that the field writes unchanged
    (``_unchanged``) as it is."""
    plain = _unchanged(field, connection)
    if plain is not None and all(type(v) is plain or v is None for v in values):
        return values
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


def _unchanged(field, connection) -> type | None:
    """The type (``int`` or ``str``) whose values ``field`` writes to ``connection`` unchanged,
    or None. Django's own: an integer field's ``get_prep_value`` is ``int(value)`` and the
    backend's ``adapt_integerfield_value`` (and ``validate_autopk_value``, for a key to an
    automatic id) return the value unless a backend overrides them; a text field's is
    ``str(value)``; a foreign key's is its target's (None stays None). Any field or backend
    that overrides one of these prepares its values itself."""
    kind = type(field)
    if isinstance(field, ForeignKey):
        if kind.get_db_prep_save is not ForeignKey.get_db_prep_save:
            return None
        return _unchanged(field.target_field, connection)
    if kind.get_db_prep_save is not Field.get_db_prep_save:
        return None
    if isinstance(field, IntegerField):
        ops, base = type(connection.ops), BaseDatabaseOperations
        if (
            kind.get_prep_value is IntegerField.get_prep_value
            and kind.get_db_prep_value
            in (IntegerField.get_db_prep_value, AutoFieldMixin.get_db_prep_value)
            and ops.adapt_integerfield_value is base.adapt_integerfield_value
            and ops.validate_autopk_value is base.validate_autopk_value
        ):
            return int
        return None
    if (
        isinstance(field, CharField | TextField)
        and kind.get_prep_value in (CharField.get_prep_value, TextField.get_prep_value)
        and kind.to_python in (CharField.to_python, TextField.to_python)
        and kind.get_db_prep_value is Field.get_db_prep_value
    ):
        return str
    return None


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
