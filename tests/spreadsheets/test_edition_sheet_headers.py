"""Reading an edition sheet's headers as people write them (issue 22): either language,
words in brackets, a single text column in the original language, and the longest name
winning when a header names two columns."""

import pytest

from spreadsheets.edition_sheet import SheetUnreadable, _key, read_edition_sheet


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Code", "code"),
        ("Código del compromiso", "code"),
        ("Commitment code", "code"),
        ("Focus area", "focus_area"),
        ("Área de enfoque", "focus_area"),
        ("Pillar (1-4)", "pillar"),
        ("Text (English)", "text_en"),
        ("Text in English", "text_en"),
        ("Texto en español", "text_es"),
        ("Texto original (español)", "text_es"),
        ("Responsible institution (optional)", "responsible_institution"),
        ("Institución responsable", "responsible_institution"),
        ("Replaces", "replaces"),
        ("Replaces (codes separated by ;)", "replaces"),
        ("Reemplaza", "replaces"),
        ("Compromiso", "text"),
        ("Status", None),
    ],
)
def test_headers(header, key):
    assert _key(header) == key


def test_a_single_text_column_is_the_original():
    data = "Código;Área;Pilar;Compromiso;Reemplaza\nGTM24-PRO-01;PRO;1;Texto;GTM-PRO-01\n"
    (row,) = read_edition_sheet(data.encode(), "es")
    assert (row.code, row.text_es, row.text_en, row.replaces) == (
        "GTM24-PRO-01",
        "Texto",
        "",
        "GTM-PRO-01",
    )
    (row,) = read_edition_sheet(data.encode(), "en")
    assert row.text_en == "Texto"


def test_a_sheet_without_the_columns_is_refused():
    with pytest.raises(SheetUnreadable):
        read_edition_sheet(b"Code,Status\nBLZ-PRO-01,3\n")
