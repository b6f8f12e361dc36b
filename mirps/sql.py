"""Small SQL helpers the ORM lacks."""

from __future__ import annotations

import json
import re

from django.db import models
from django.db.models import Expression


class Literal(Expression):
    """A constant text written into the SQL itself, not bound as a parameter.

    For a condition that a partial index states: SQLite skips re-reading the table row to check
    a query's ``review_state = 'approved'`` only when the query writes it as the index does,
    literally (with ``review_state = ?`` it reads every row's ``review_state`` from the table:
    1.7x the time of the progress query at 20k commitments, docs/benchmarks.md). PostgreSQL
    receives literals from psycopg2 either way. Only plain words are accepted.
    """

    def __init__(self, value: str):
        if not re.fullmatch(r"[a-z_]+", value):
            raise ValueError(f"not a plain word: {value!r}")
        super().__init__(output_field=models.CharField())
        self.value = value

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []

    def __repr__(self) -> str:
        return f"Literal({self.value!r})"


# From this many ids, ``ids_in`` binds the list as one parameter instead of one per id.
MANY_IDS = 100


class IdList(Expression):
    """A list of ids as one bound parameter, for ``field__in=IdList(ids)``: a JSON array read
    by ``json_each`` on SQLite, an array ``unnest``-ed on PostgreSQL.

    ``pk__in=[...]`` with 10,000 ids makes the ORM prepare every id through the field and write
    10,000 placeholders: 0.2 s per query, five times in a 10,000-row upload (issue 21). Here
    the ids are checked to be whole numbers once and sent as one value (on PostgreSQL the
    array's text, ``{1,2,3}``).
    """

    def __init__(self, ids):
        super().__init__(output_field=models.IntegerField())
        self.ids = [int(i) for i in ids]

    def as_sql(self, compiler, connection):
        if connection.vendor == "postgresql":
            # the array's text form, one literal the server reads at once (a list is sent by
            # psycopg2 as ARRAY[1, 2, …]: 10,000 expressions to parse, 20 ms a query)
            return "(SELECT unnest(%s::bigint[]))", ["{" + ",".join(map(str, self.ids)) + "}"]
        if connection.vendor == "sqlite":
            return "(SELECT value FROM json_each(%s))", [json.dumps(self.ids)]
        return "(" + ", ".join(["%s"] * len(self.ids)) + ")", list(self.ids)

    def __repr__(self) -> str:
        return f"IdList({len(self.ids)} ids)"


def ids_in(ids) -> list | IdList:
    """What to filter ``field__in`` by: ``ids`` themselves when they are few (the ORM's own
    placeholders), else one parameter (``IdList``)."""
    ids = list(ids)
    return ids if len(ids) < MANY_IDS else IdList(ids)
