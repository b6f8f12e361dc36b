"""Headers, statuses and codes written the ways people write them."""

import datetime as dt

import pytest

from spreadsheets.formats import (
    COLUMNS,
    StatusUnreadable,
    guesses,
    header_key,
    header_period,
    holds_fractions,
    holds_whole_percents,
    is_totals_label,
    map_columns,
    parse_status,
    whole_number,
)
from spreadsheets.importer import normal_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        (" 3 ", 3),
        ("3 - 60%", 3),
        ("3 · Being implemented", 3),
        ("2,0", 2),
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
        ("Sin reporte", None),  # what the matrix writes for "not reported"
        ("N/A", None),
        ("—", None),
        # a level with what agrees with it (issue 19)
        ("4 - 80%", 4),
        ("4 (80%)", 4),
        ("4 (80 %)", 4),
        ("5 - Completado (100%)", 5),
        ("0 - No iniciado (0%)", 0),
        ("1 - Started and being implemented (20%)", 1),
        ("2 - en implementación", 2),
        ("3 - avanzando bien", 3),  # words we do not know contradict nothing
        ("3.", 3),
        ("Completado (100%)", 5),
        ("100 %", 5),
        # a number written as text reads as the number would (a CSV of Excel in Spanish)
        ("0,6", 3),
        ("0.2", 1),
        ("Terminado", 5),
        ("Completo", 5),
        ("Finalizada", 5),
        ("No iniciada", 0),
        # the word "Nivel" before a level, the level out of five, the level again after a
        # percentage: what a team writes in its own matrix
        ("Nivel 3", 3),
        ("nivel: 2", 2),
        ("Nivel 4 (80%)", 4),
        ("Level 4 - 80%", 4),
        ("3 de 5", 3),
        ("2 of 5", 2),
        ("4/5", 4),
        ("60% (3)", 3),
        ("3 (3)", 3),
        ("Sin avance", 0),
    ],
)
def test_status_written_many_ways(raw, expected):
    assert parse_status(raw) == expected


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_label_the_template_writes_is_read(language):
    from spreadsheets.formats import status_choice_label

    for level in range(6):
        assert parse_status(status_choice_label(level, language)) == level


@pytest.mark.parametrize(
    "raw",
    [
        "4 (20%)",  # a level and a percentage of another
        "2 - completado",  # a level and the words of another
        "1/2",  # two numbers
        "3-4",
        "5 - No iniciado",
        "0 - 100%",
        "Completado (60%)",
        "40% - 60%",
        "3 - 60% - 80%",
        "1 - Iniciado (40%)",
        "3 - terminado",
        "80% (3)",  # the percentage of one level, then another
        "3 - 2",
        "Nivel 4 (20%)",
        "3 - 3/4",
    ],
)
def test_a_status_that_contradicts_itself_is_for_the_person_to_settle(raw):
    with pytest.raises(StatusUnreadable) as refused:
        parse_status(raw)
    assert refused.value.code == "status_contradicts"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (6, "status_out_of_range"),
        (-1, "status_out_of_range"),
        (7.5, "status_out_of_range"),
        ("9", "status_out_of_range"),
        ("Nivel 6", "status_out_of_range"),
        ("2,5", "status_out_of_range"),
        ("0,5", "status_out_of_range"),  # 50%: no level
        ("45 %", "status_percent"),
        ("En implementación", "status_unknown"),  # 1 to 4: which?
        ("55%", "status_percent"),
        ("120%", "status_percent"),
        ("maybe", "status_unknown"),
        (True, "status_unknown"),
        (dt.date(2024, 3, 1), "status_date"),
        (dt.datetime(2024, 3, 1, 10, 0), "status_date"),
    ],
)
def test_unreadable_statuses_say_why(raw, code):
    with pytest.raises(StatusUnreadable) as refused:
        parse_status(raw)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("header", "key"),
    [
        # the template's own headers, in both languages (and the version 1 template's)
        ("Code", "code"),
        ("Código", "code"),
        ("New status (2025)", "status"),
        ("Nuevo estado (2025)", "status"),
        ("Nuevo estado", "status"),
        ("Status as of 2024", "previous"),
        ("Estado al cierre de 2024", "previous"),
        ("Narrativa", "narrative"),
        ("Enlace a la evidencia", "evidence_url"),
        ("Revisión (2025)", "review"),
        ("Versión", "version"),
        # case, accents, line breaks, spaces, notes in brackets, numbering, plurals
        ("CODIGO", "code"),
        ("  código\n del   compromiso ", "code"),
        ("ESTADO\n(0 = no iniciado … 5 = completado)", "status"),
        ("7. Narrativa", "narrative"),
        ("Observaciones (máx. 500 caracteres)", "narrative"),
        ("Comentarios", "narrative"),
        ("Enlace (URL)*", "evidence_url"),
        ("Avances realizados", "narrative"),
        # phrases: the longest name wins, then the more specific column
        ("Descripción del avance realizado", "narrative"),
        ("Descripción del compromiso", "text"),
        ("Descripción", "text"),
        ("Comentarios sobre el avance", "narrative"),
        ("Estado del compromiso", "status"),
        ("Situación", "status"),
        ("Situación actual", "previous"),
        ("Nivel de avance (%)", "status"),
        ("Estado de revisión", "review"),
        ("Progress made in the period", "narrative"),
        ("Explanation of the change", "narrative"),
        ("Medio de verificación", "evidence_url"),
        ("Link to evidence", "evidence_url"),
        ("Código país", "country"),
        # close to a name (typos)
        ("Narativa", "narrative"),
        ("Comentaros", "narrative"),
        ("Estdo", "status"),
        # nothing
        ("Responsable", None),
        ("Fecha de actualización", None),
        ("Something else", None),
        ("", None),
    ],
)
def test_headers_as_people_write_them(header, key):
    assert header_key(header) == key


def test_a_guess_says_how_it_was_made():
    assert guesses("Narrativa")[0].how == "name"
    assert guesses("Descripción del avance realizado")[0].how == "phrase"
    assert guesses("Narativa")[0].how == "similar"
    assert guesses("Narativa")[0].score < guesses("Descripción del avance realizado")[0].score


def test_each_column_once_and_each_key_once():
    mapped = map_columns(
        ["Estado al cierre de 2024", "Estado", "Código", "Comentarios", "Observaciones"]
    )
    assert {k: m.index for k, m in mapped.items()} == {
        "previous": 0,
        "status": 1,
        "code": 2,
        "narrative": 3,  # the leftmost of two equally good narrative columns
    }


def test_current_status_is_the_status_when_there_is_no_other():
    assert map_columns(["Código", "Estado actual"])["status"].index == 1
    both = map_columns(["Código", "Estado actual", "Nuevo estado"])
    assert (both["previous"].index, both["status"].index) == (1, 2)


def test_the_period_a_header_names():
    assert header_period("New status (2025)") == "2025"
    assert header_period("Nuevo estado (2026-h1)") == "2026-H1"
    assert header_period("Nuevo estado") is None
    assert header_period("Status as of 2024") is None  # not in brackets: the previous period


def test_every_export_column_is_recognised_in_both_languages():
    for column in COLUMNS:
        for language in ("en", "es"):
            assert header_key(column.title(language, "2025", "2024")) == column.key


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("GTM-PRO-01", "GTM-PRO-01"),
        ("gtm-pro-01", "GTM-PRO-01"),
        ("GTM PRO 1", "GTM-PRO-01"),
        ("GTM_PRO_01", "GTM-PRO-01"),
        (" gtm–pro–12 ", "GTM-PRO-12"),
        ("GTM\u2011PRO\u201102", "GTM-PRO-02"),  # non-breaking hyphens (a word processor's)
        ("GTM\u2212PRO\u221203", "GTM-PRO-03"),  # minus signs
        ("GTM\u00a0PRO\u00a004", "GTM-PRO-04"),
        ("'GTM-PRO-01", "'GTM-PRO-01"),  # not a code: reported as unknown, not guessed
        ("12", "12"),
    ],
)
def test_codes_as_people_write_them(written, code):
    assert normal_code(written) == code


@pytest.mark.parametrize(
    ("written", "number"),
    [(7, 7), (7.0, 7), ("7", 7), (" 12 ", 12), ("12.0", 12), (0, 0), (2**63 - 1, 2**63 - 1)],
)
def test_whole_numbers_in_version_cells(written, number):
    assert whole_number(written) == number


@pytest.mark.parametrize(
    "written", [10**20, 2**63, "100000000000000000000", "1e20", 7.5, "7,5", -1, "x", True,
                float("nan"), float("inf"), "9" * 500],
)  # fmt: skip
def test_what_is_not_a_whole_number_the_database_can_hold(written):
    with pytest.raises((ValueError, OverflowError)):
        whole_number(written)


def test_a_one_in_a_column_of_fractions_is_for_the_person_to_settle():
    assert holds_fractions([0.6, 1, "x", None]) and holds_fractions(["0,6", "1"])
    assert not holds_fractions([3, "1", "60%", 0, 1.0, None, "3 - 60%"])
    for one in (1, 1.0, "1", "1,0"):
        assert parse_status(one) == 1
        with pytest.raises(StatusUnreadable) as refused:
            parse_status(one, fractions=True)
        assert refused.value.code == "status_one_or_all"
    assert parse_status(0.6, fractions=True) == 3
    assert parse_status(3, fractions=True) == 3
    assert parse_status("1 - Iniciado", fractions=True) == 1  # a label says which


def test_of_two_columns_named_alike_the_latest_year_is_the_status():
    mapped = map_columns(["Código", "Estado 2024", "Estado 2025", "Observaciones 2025"])
    assert mapped["status"].index == 2
    assert map_columns(["Código", "Estado 2025", "Estado 2024"])["status"].index == 1
    template = map_columns(["Código", "Estado al cierre de 2024", "Nuevo estado (2025)"])
    assert (template["previous"].index, template["status"].index) == (1, 2)


@pytest.mark.parametrize(
    ("label", "total"),
    [
        ("TOTAL", True),
        ("Total de compromisos", True),
        ("Promedio", True),
        ("Promedio de avance", True),
        ("Subtotal:", True),
        ("Average", True),
        ("PROTECCIÓN (subtotal)", False),  # a heading
        ("GTM-PRO-01", False),
        ("Total integration of refugee children in the national school system", False),
        (3, False),
        (None, False),
    ],
)
def test_rows_and_columns_of_totals(label, total):
    assert is_totals_label(label) is total


def test_a_summary_column_is_not_a_status():
    assert guesses("Promedio de avance") == []
    assert "status" not in map_columns(["Pilar", "Compromisos", "Promedio de avance"])


def test_a_column_of_whole_percentages_reads_60_as_60_percent():
    """ "% de avance" holding 60, 100, 0: percentages as a person reads them; a number from 1
    to 5 there is level or percentage, for the person to settle."""
    assert holds_whole_percents("% de avance", [60, 100, 0, None, "x"])
    assert holds_whole_percents("Porcentaje de avance", ["80", 20])
    assert holds_whole_percents("Avance (%)", [40.0])
    assert not holds_whole_percents("% de avance", [3, 4, 0, "60%"])  # levels, a percent text
    assert not holds_whole_percents("Estado", [60, 80])  # no percentage named: out of range
    for written, level in [(60, 3), (100, 5), (0, 0), ("80", 4), (20.0, 1), ("60%", 3)]:
        assert parse_status(written, whole_percents=True) == level
    refused_as = [
        (45, "status_percent"),
        (150, "status_percent"),
        (3, "status_level_or_percent"),
        ("1", "status_level_or_percent"),
    ]
    for written, code in refused_as:
        with pytest.raises(StatusUnreadable) as refused:
            parse_status(written, whole_percents=True)
        assert refused.value.code == code
    assert parse_status("3 - En implementación", whole_percents=True) == 3
    with pytest.raises(StatusUnreadable, match="status_out_of_range"):
        parse_status(60)  # not in such a column: never guessed


def test_progress_beside_a_status_is_the_narrative():
    """ "Avances" (what was done) beside "Estado": the status is Estado, and Avances the
    narrative when no other column is; alone, "Avance" is still the status."""
    for headers in (
        ["Código", "Avances", "Estado"],
        ["Código", "Estado", "Avances"],
        ["Código", "Avances del periodo", "Estado"],
        ["Code", "Progress", "Status"],
    ):
        mapped = map_columns(headers)
        status = next(i for i, h in enumerate(headers) if h in ("Estado", "Status"))
        progress = next(i for i, h in enumerate(headers) if h.startswith(("Avance", "Progress")))
        assert (mapped["status"].index, mapped["narrative"].index) == (status, progress), headers
    with_narrative = map_columns(["Código", "Avances", "Estado", "Observaciones"])
    assert (with_narrative["status"].index, with_narrative["narrative"].index) == (2, 3)
    assert map_columns(["Código", "Avance"])["status"].index == 1
    assert map_columns(["Código", "Avance (%)", "Observaciones"])["status"].index == 1
    percent = map_columns(["Código", "% de avance", "Estado"])  # both name a status plainly
    assert percent["status"].index == 1 and "narrative" not in percent
