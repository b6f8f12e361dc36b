"""Issue 21's corpus files, rebuilt: ``.venv/bin/python tests/spreadsheets/make_corpus_i21.py``.

* ``two-row-header-percent.xlsx`` (openpyxl): a title block merged across, then a header on
  two rows ("Código" and "Compromiso" merged down, "Estado" merged over "Porcentaje de avance"
  and "Fecha", "Comentarios" merged down); statuses 0.6 and 1 in cells formatted ``0%``, 0.4,
  and "80%" typed as text. ``two-row-header-merged-data.xlsx``: the same with C8:E8 merged.
  Both saved by LibreOffice as ``.ods``, and that ``.ods`` as ``.xls`` ("MS Excel 97").
* ``<case>.xls`` for ten cases: the case's ``.ods`` saved by LibreOffice's "MS Excel 97" filter.

Their outcomes are in ``files/expected.json`` (written by hand: the ``.xls`` of a case has the
outcome of its ``.ods``). Needs LibreOffice (``soffice``)."""

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

FILES = Path(__file__).resolve().parent / "files"
XLS_CASES = [
    "matrix-filled", "matrix-hidden-rows", "matrix-statuses-many-ways", "matrix-row-after-gap",
    "handmade-es-phrases", "handmade-no-codes", "handmade-repeated-rows",
    "i19-statuses-contradict", "two-sheets", "ind-status-and-value-es",
]  # fmt: skip


def two_row_header(merged_data: bool) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet["A1"] = "Ministerio de Desarrollo Social — Seguimiento MIRPS 2025"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Guatemala"
    sheet.merge_cells("A2:E2")
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["E4"] = (
        "Código", "Compromiso", "Estado", "Comentarios",
    )  # fmt: skip
    sheet["C5"], sheet["D5"] = "Porcentaje de avance", "Fecha"
    for cells in ("A4:A5", "B4:B5", "C4:D4", "E4:E5"):
        sheet.merge_cells(cells)
    rows = [
        ("GTM-PRO-01", "Compromiso uno", 0.6, "Avance en la mesa técnica"),
        ("GTM-PRO-02", "Compromiso dos", 1, "Concluido y publicado"),
        ("GTM-PRO-03", "Compromiso tres", 0.4, "Primeras acciones"),
        ("GTM-PRO-04", "Compromiso cuatro", "80%", "Casi listo"),
    ]
    for number, (code, text, status, note) in enumerate(rows, start=6):
        sheet.cell(number, 1, code)
        sheet.cell(number, 2, text)
        cell = sheet.cell(number, 3, status)
        if not isinstance(status, str):
            cell.number_format = "0%"
        sheet.cell(number, 4, datetime.date(2025, 11, 1 + number))
        sheet.cell(number, 5, note)
    if merged_data:
        sheet.merge_cells("C8:E8")
    return book


def convert(sources: list[Path], target: str, folder: Path, profile: str) -> None:
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", target, "--outdir", str(folder)]
        + [str(p) for p in sources],
        check=True,
        capture_output=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        made = []
        for name, merged in [
            ("two-row-header-percent", False),
            ("two-row-header-merged-data", True),
        ]:
            path = FILES / f"{name}.xlsx"
            two_row_header(merged).save(path)
            made.append(path)
        convert(made, "ods", tmp / "ods", profile)
        odses = sorted((tmp / "ods").iterdir())
        for path in odses:
            shutil.copy(path, FILES / path.name)
        convert(
            odses + [FILES / f"{c}.ods" for c in XLS_CASES], "xls:MS Excel 97", tmp / "xls", profile
        )
        for path in (tmp / "xls").iterdir():
            shutil.copy(path, FILES / path.name)


if __name__ == "__main__":
    main()
