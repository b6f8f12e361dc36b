"""``mirps.bulk.insert_many`` writes what ``bulk_create`` writes, in as many queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mirps.bulk import COPY_FROM, Same, insert_columns, insert_many
from mirps.vocabulary import ReviewState, Route
from statuses.models import StatusUpdate
from tests.builders import CountryBuilder, period, secretariat

pytestmark = pytest.mark.django_db

COMPARED = [
    f.attname
    for f in StatusUpdate._meta.concrete_fields
    if f.attname not in ("id", "created_at", "previous_id")
]


def _rows(commitments, period_, user, when) -> list[StatusUpdate]:
    return [
        StatusUpdate(
            commitment_id=c.pk,
            period_id=period_.pk,
            status=i % 6,
            narrative=f"note {i} — ação",
            evidence_url="https://example.org/x" if i % 2 else "",
            evidence_file="",
            created_by_id=user.pk if i % 3 else None,
            source=Route.SPREADSHEET,
            status_before=None if i % 4 else 2,
            review_state=ReviewState.APPROVED if i % 2 else ReviewState.SUBMITTED,
            reviewed_by_id=user.pk if i % 2 else None,
            reviewed_at=when if i % 2 else None,
            late=bool(i % 5 == 0),
        )
        for i, c in enumerate(commitments)
    ]


def test_the_same_rows_ids_and_queries_as_bulk_create():
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(70)]  # two batches on SQLite
    p, user = period("2025"), secretariat()
    when = timezone.now() - dt.timedelta(days=1)
    ours, theirs = _rows(commitments, p, user, when), _rows(commitments, p, user, when)
    before = timezone.now()
    with CaptureQueriesContext(connection) as bulk:
        StatusUpdate.objects.bulk_create(theirs, batch_size=1000)
    with CaptureQueriesContext(connection) as mine:
        insert_many(ours, batch_size=1000)
    assert len(mine) == len(bulk)  # the same batches: one INSERT each
    assert all(o.pk and not o._state.adding and o._state.db == "default" for o in ours)
    assert len({o.pk for o in ours} | {t.pk for t in theirs}) == 140
    stored = StatusUpdate.objects.in_bulk([o.pk for o in ours] + [t.pk for t in theirs])
    for o, t in zip(ours, theirs, strict=True):
        # each object got the id of the row written from it
        assert [getattr(stored[o.pk], a) for a in COMPARED] == [getattr(o, a) for a in COMPARED]
        assert [getattr(stored[o.pk], a) for a in COMPARED] == [
            getattr(stored[t.pk], a) for a in COMPARED
        ]
        assert stored[o.pk].created_at == o.created_at >= before


def test_an_expression_is_left_to_bulk_create():
    builder = CountryBuilder("GTM")
    c, p = builder.commitment(), period("2025")
    row = StatusUpdate(
        commitment_id=c.pk, period_id=p.pk, status=Value(3), source=Route.WEB, narrative="x"
    )
    insert_many([row])
    assert StatusUpdate.objects.get(pk=row.pk).status == 3


def test_one_recording_time_and_file_names_as_written():
    """A date set on save is taken once for the insert; a file field holding a name writes
    the name (as ``bulk_create`` does through the field's committed file)."""
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(3)]
    p, user = period("2025"), secretariat()
    rows = _rows(commitments, p, user, timezone.now())
    rows[1].evidence_file = "evidence/2025/report.pdf"
    before = timezone.now()
    insert_many(rows)
    stored = StatusUpdate.objects.in_bulk([r.pk for r in rows])
    assert len({stored[r.pk].created_at for r in rows}) == 1
    assert stored[rows[0].pk].created_at == rows[0].created_at >= before
    assert [stored[r.pk].evidence_file.name for r in rows] == ["", "evidence/2025/report.pdf", ""]


def test_many_rows_write_what_bulk_create_writes():
    """From ``COPY_FROM`` rows PostgreSQL takes COPY (the ids from the sequence first, one
    query; then one COPY): the same values, texts with tabs, line
    breaks and backslashes included, and ascending ids set on the objects. SQLite writes
    them with INSERTs, one per batch, as bulk_create does."""
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(7)]
    p, user = period("2025"), secretariat()
    when = timezone.now() - dt.timedelta(days=1)
    n = COPY_FROM + 3
    ours = _rows([commitments[i % 7] for i in range(n)], p, user, when)
    theirs = _rows([commitments[i % 7] for i in range(n)], p, user, when)
    odd = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "", "“quotes” 'x' ação"]
    for i, (o, t) in enumerate(zip(ours, theirs, strict=True)):
        o.narrative = t.narrative = odd[i % len(odd)] + str(i)
    with CaptureQueriesContext(connection) as bulk:
        StatusUpdate.objects.bulk_create(theirs, batch_size=1000)
    with CaptureQueriesContext(connection) as mine:
        insert_many(ours, batch_size=1000)
    # PostgreSQL: the SELECT of the ids (the COPY is not logged); SQLite: bulk_create's batches
    if connection.vendor == "postgresql":  # the SELECT of the ids, the COPY
        assert [q["sql"].split()[0] for q in mine.captured_queries] == ["SELECT", "COPY"]
    else:  # bulk_create's batches
        assert len(mine) == len(bulk) > 1
    ids = [o.pk for o in ours]
    assert ids == sorted(ids) and len(set(ids)) == n and min(ids) > max(t.pk for t in theirs)
    stored = StatusUpdate.objects.in_bulk(ids + [t.pk for t in theirs])
    for o, t in zip(ours, theirs, strict=True):
        assert [getattr(stored[o.pk], a) for a in COMPARED] == [
            getattr(stored[t.pk], a) for a in COMPARED
        ]
    # the sequence moved past the ids taken: the next row gets a new one
    later = StatusUpdate.objects.create(
        commitment=commitments[0], period=p, status=1, source=Route.WEB
    )
    assert later.pk > max(ids)


def _columns(rows: list[StatusUpdate]) -> dict:
    """``rows``' values column by column (the shared ones as ``Same``), as record_many gives
    them to ``insert_columns``."""
    columns = {}
    for name in COMPARED:
        if name == "evidence_file":
            continue
        values = [getattr(r, name) for r in rows]
        columns[name] = Same(values[0]) if len(set(values)) == 1 else values
    # files by name, as insert_columns takes them
    columns["evidence_file"] = [r.evidence_file.name or "" for r in rows]
    columns["previous_id"] = [None] * len(rows)
    return columns


@pytest.mark.parametrize("n", [70, COPY_FROM + 3])
def test_insert_columns_writes_what_insert_many_writes(n):
    """Column by column, without an instance per row: the same values, queries and ascending
    ids as ``insert_many`` of the same rows; the instances made only when read, each with its
    values, id and recording time."""
    builder = CountryBuilder("GTM")
    commitments = [builder.commitment() for _ in range(7)]
    p, user = period("2025"), secretariat()
    when = timezone.now() - dt.timedelta(days=1)
    ours = _rows([commitments[i % 7] for i in range(n)], p, user, when)
    theirs = _rows([commitments[i % 7] for i in range(n)], p, user, when)
    odd = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "", "“quotes” 'x' ação"]
    for i, (o, t) in enumerate(zip(ours, theirs, strict=True)):
        o.narrative = t.narrative = odd[i % len(odd)] + str(i)
    ours[1].evidence_file = theirs[1].evidence_file = "evidence/2025/report.pdf"
    columns = _columns(ours)
    assert isinstance(columns["period_id"], Same) and isinstance(columns["source"], Same)
    with CaptureQueriesContext(connection) as many:
        insert_many(theirs, batch_size=1000)
    before = timezone.now()
    with CaptureQueriesContext(connection) as mine:
        written = insert_columns(StatusUpdate, columns, count=n, batch_size=1000)
    assert len(mine) == len(many)
    ids = written.ids
    assert len(written) == n and ids == sorted(ids) and min(ids) > max(t.pk for t in theirs)
    assert "_made" not in written.__dict__  # no instance made before one is read
    stored = StatusUpdate.objects.in_bulk(ids + [t.pk for t in theirs])
    for pk, t in zip(ids, theirs, strict=True):
        assert [getattr(stored[pk], a) for a in COMPARED] == [
            getattr(stored[t.pk], a) for a in COMPARED
        ]
    assert len({stored[pk].created_at for pk in ids}) == 1
    assert stored[ids[0]].created_at >= before
    assert stored[ids[0]].review_comment == ""  # a field not given: its default
    made = list(written)
    assert [o.pk for o in made] == ids and written[0] is made[0]
    for o in made[:50]:
        assert not o._state.adding and o._state.db == "default"
        assert [getattr(o, a) for a in COMPARED] == [getattr(stored[o.pk], a) for a in COMPARED]
        assert o.created_at == stored[o.pk].created_at


def test_insert_columns_refuses_what_it_does_not_write():
    p = period("2025")
    with pytest.raises(ValueError, match="not columns"):
        insert_columns(StatusUpdate, {"nonsense": [1]}, count=1)
    with pytest.raises(ValueError, match="2 values for 1 rows"):
        insert_columns(StatusUpdate, {"period_id": Same(p.pk), "status": [1, 2]}, count=1)
    with pytest.raises(TypeError, match="by name"):
        insert_columns(StatusUpdate, {"evidence_file": [ContentFile(b"x", name="a.txt")]}, count=1)
    assert not StatusUpdate.objects.exists()
