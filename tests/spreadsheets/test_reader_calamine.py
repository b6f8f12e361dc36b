"""Issue 21: the .xlsx reader (python-calamine for the cells, a light inspection of the XML for
the rest) and the two-row header."""

import io

import openpyxl
import pytest

from spreadsheets import reading
from spreadsheets.formats import fold_header
from spreadsheets.reading import Formula, Rejected, read


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_two_far_apart_cells_are_refused_before_calamine_allocates_the_grid():
    """A1 and XFD1048576: calamine would allocate 17 billion cells and stop the process."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Código"
    book.active["XFD1048576"] = "x"
    with pytest.raises(Rejected) as refused:
        read(_save(book))
    assert refused.value.code == "too_much_content"
    assert refused.value.params["row"] == 1_048_576


def test_what_calamine_does_not_give_comes_from_the_xml():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Código", "Nuevo estado", "Narrativa"])
    sheet.append(["GTM-PRO-01", 1, "cien por ciento"])
    sheet["B2"].number_format = "0%"  # 100 %: level 5, never level 1
    sheet.append(["GTM-PRO-02", "=1+2", "fórmula"])
    sheet.append(["GTM-PRO-03", 0.6, "oculta"])
    sheet["B4"].number_format = "0%"
    sheet.row_dimensions[4].hidden = True
    sheet.column_dimensions["C"].hidden = True
    hidden = book.create_sheet("Vieja")
    hidden.sheet_state = "hidden"
    hidden.append(["x", "y"])
    first, second = read(_save(book))
    rows = {row.number: row for row in first.rows}
    assert rows[2].values[1] == "100%"
    assert isinstance(rows[3].values[1], Formula) and rows[3].values[1] == "=1+2"
    assert rows[4].values[1] == "60%" and rows[4].hidden and not rows[2].hidden
    assert first.hidden_columns == {3}
    assert second.hidden and not first.hidden


def test_the_budget_counts_elements_and_cells_from_the_xml(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 50)
    book = openpyxl.Workbook()
    for i in range(60):
        book.active.append([f"GTM-PRO-{i:02d}"])
    with pytest.raises(Rejected) as refused:
        read(_save(book))
    assert refused.value.code == "too_many_cells"


def test_a_two_row_header_is_folded_only_when_merged_cells_tie_it():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Informe de seguimiento"
    sheet.merge_cells("A1:D1")  # a title merged across: not part of the header
    sheet["A3"], sheet["B3"], sheet["C3"] = "Código", "Compromiso", "Estado"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:D3")
    sheet["C4"], sheet["D4"] = "Porcentaje de avance", "Fecha"
    sheet.append(["GTM-PRO-01", "Uno", "60%", "2025-11-01"])
    folded = fold_header(read(_save(book))[0])
    numbers = [row.number for row in folded.rows]
    assert numbers == [1, 4, 5]
    assert folded.rows[1].values == ["Código", "Compromiso", "Porcentaje de avance", "Fecha"]
    plain = openpyxl.Workbook()
    plain.active.append(["Código", "Estado"])
    plain.active.append(["GTM-PRO-01", 3])
    plain.active.merge_cells("A2:B2")  # a merge in a data row is the importer's to report
    sheet = read(_save(plain))[0]
    assert fold_header(sheet) is sheet
