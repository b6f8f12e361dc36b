"""The commitment rows' locks: step 2 of the one lock order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from django.db import router

from commitments.models import Commitment
from mirps.sql import ids_in

_FIELDS = ["id", "code", "country_id"]


class Locked(Mapping):
    """The locked commitments by id, each made a (deferred) model instance only when asked
    for: a write of 10,000 statuses locks 10,000 commitments and looks at none of them."""

    def __init__(self, rows: list[tuple], db: str):
        self._rows = {row[0]: row for row in rows}
        self._db = db
        self._made: dict[int, Commitment] = {}

    def __getitem__(self, pk: int) -> Commitment:
        if pk not in self._made:
            self._made[pk] = Commitment.from_db(self._db, _FIELDS, self._rows[pk])
        return self._made[pk]

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def lock_commitments(ids: Iterable[int]) -> Mapping[int, Commitment]:
    """Step 2: the commitments, in ascending id (with their code and country)."""
    rows = (
        Commitment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids_in(sorted(set(ids))))
        .order_by("pk")
        .values_list(*_FIELDS)
    )
    return Locked(list(rows), router.db_for_write(Commitment))
