"""Statuses and headers written the ways people write them."""

import datetime as dt

import pytest

from commitments.spreadsheets.formats import StatusUnreadable, header_key, parse_status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        (" 3 ", 3),
        ("3 - 60%", 3),
        ("3 · Being implemented", 3),
        ("60%", 3),
        ("100%", 5),
        ("0%", 0),
        (0.6, 3),
        (0.2, 1),
        ("Completed", 5),
        ("completado", 5),
        ("No iniciado", 0),
        ("Not started", 0),
        ("3 - En implementación (60%)", 3),
        ("En implementación (80%)", 4),
        ("Iniciado y en implementación", 1),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_status_written_many_ways(raw, expected):
    assert parse_status(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        6,
        -1,
        7.5,
        "9",
        "55%",
        "120%",
        "maybe",
        True,
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 10, 0),
    ],
)
def test_unreadable_statuses_say_why(raw):
    with pytest.raises(StatusUnreadable):
        parse_status(raw)


def test_a_date_is_named_as_a_date():
    with pytest.raises(StatusUnreadable, match="date"):
        parse_status(dt.date(2024, 3, 1))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Code", "code"),
        ("Código", "code"),
        ("CODIGO", "code"),
        ("New status", "status"),
        ("Nuevo estado", "status"),
        ("Estado", "status"),
        ("Status as of 2024", "previous"),
        ("Estado al cierre de 2024", "previous"),
        ("Narrativa", "narrative"),
        ("Comentarios", "narrative"),
        ("Compromiso", "text"),
        ("Enlace a la evidencia", "evidence_url"),
        ("Versión", "version"),
        ("Something else", None),
        ("", None),
    ],
)
def test_headers_in_english_and_spanish(header, key):
    assert header_key(header) == key
