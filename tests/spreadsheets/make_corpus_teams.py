"""Issue 21's held-out check, files as national teams make them, rebuilt with
``.venv/bin/python tests/spreadsheets/make_corpus_teams.py [FILE]`` (needs LibreOffice,
``soffice``; with a file's name, only that file).

Each is uploaded by its country's team (``corpus.make_users``: ``HND``, ``SLV``, ``PAN``…;
Guatemala's is ``gabriel``). The sources are written with openpyxl, by hand as flat ODS XML
(``.fods``), or as CSV bytes; what is uploaded was written by LibreOffice ("MS Excel 97",
``.ods``, semicolon CSV) or by hand (the CSV of Excel in Spanish), never by openpyxl:

* ``team-hnd-title-two-row-percent.xls``: a title block merged across, a header on two rows
  ("Estado de avance" over "% de avance" and "Fecha de actualización"), 0.6, 1, 0.8, 0, 0.2,
  0.4 and 1.0 in cells formatted ``0%``, dates in the date column.
* ``team-slv-excel-es.csv``: Excel in Spanish (Windows-1252, ``;``, decimal comma), a title
  line, statuses "3 - En progreso", "60%", "Completado", "80,0%", "4,0", "2 - En
  implementación (40%)", "100 %", "No iniciado", a blank separator line; one row changes a
  status with no narrative (``narrative_required``).
* ``team-slv-lo-es.csv``: a Spanish-locale sheet (``.fods``, cells formatted ``0%``, "3,00")
  saved by LibreOffice as semicolon CSV in UTF-8.
* ``team-slv-fractions.csv``: Excel's "CSV UTF-8" with a percentage column written as
  fractions ("0,6"): read as percentages; its "1" is level 1 or 100%, for the person to say
  (``status_one_or_all``).
* ``team-pan-own-workbook.ods`` / ``.xls``: a cover sheet and instructions before the matrix,
  a title block, a hidden column, pillar headings merged across the sheet, blank separator
  rows, a comment, statuses as words, a totals row of formulas, notes merged at the bottom,
  and a summary sheet of ``COUNTIF`` formulas after it.
* ``team-pan-signatures.ods``: a heading merged across between rows, "Terminado", "0,6", and a
  signature block at the bottom ("Elaborado por", "Fecha de envío" with a date).
* ``team-cri-bad-rows.xls``: good rows among bad ones (out of range, unknown code, ambiguous
  words, a contradiction, a document name as link, two rows for one commitment, another
  country's, a date as status, a narrative without status).
* ``team-cri-actions-merged-code.xls``: one commitment over two rows of actions, its code,
  text and status cells merged down over both: two data rows, never taken for a header
  (before, the pair was folded into a "header" and the commitment's row vanished).
* ``team-mex-codes-formula-hidden.xls``: codes written "  mex-pro-01 ", "MEX PRO 2",
  "mex_pro_03", "MEX - PRO - 08" (and one ending in a non-breaking space), statuses many
  ways, a formula as status, a hidden row that changes a status.
* ``team-mex-summary-first.xls``: a summary sheet ("Pilar", "Compromisos", "Promedio de
  avance") before the matrix, and a "Total" row.
* ``team-blz-english.ods``: English headers and labels, a percentage cell, a TOTAL row.
* ``team-gtm-status-2024-2025.ods``: "Estado 2024" (hidden) and "Estado 2025" side by side:
  2025's is the status.
* ``team-gtm-scale-legend-above.ods``: the 0-5 scale as a small table ("Nivel",
  "Descripción") above the matrix: the matrix's header, which names a code, is the header.

Their outcomes are in ``files/expected.json``, written by hand."""

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment

FILES = Path(__file__).resolve().parent / "files"


def percent(cell) -> None:
    cell.number_format = "0%"


def hnd_title_two_row() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Avance MIRPS"
    sheet["A1"] = "REPÚBLICA DE HONDURAS"
    sheet["A2"] = "Secretaría de Derechos Humanos — Informe de avance MIRPS 2025"
    sheet["A3"] = "Fecha de corte: 30 de noviembre de 2025"
    for cells in ("A1:F1", "A2:F2", "A3:F3"):
        sheet.merge_cells(cells)
    sheet["A5"], sheet["B5"], sheet["C5"] = "Código", "Compromiso", "Estado de avance"
    sheet["E5"], sheet["F5"] = "Observaciones", "Medio de verificación"
    sheet["C6"], sheet["D6"] = "% de avance", "Fecha de actualización"
    for cells in ("A5:A6", "B5:B6", "C5:D5", "E5:E6", "F5:F6"):
        sheet.merge_cells(cells)
    rows = [
        ("HND-PRO-01", 0.6), ("HND-PRO-02", 1), ("HND-PRO-03", 0.8), ("HND-PRO-04", 0),
        ("HND-PRO-05", 0.2), ("HND-PRO-06", 0.4), ("HND-JOB-01", 1.0),
    ]  # fmt: skip
    for number, (code, value) in enumerate(rows, start=7):
        sheet.cell(number, 1, code)
        sheet.cell(number, 2, f"Compromiso {code}")
        percent(sheet.cell(number, 3, value))
        sheet.cell(number, 4, dt.date(2025, 11, number)).number_format = "DD/MM/YYYY"
        sheet.cell(number, 5, "Avance reportado por la mesa técnica")
        sheet.cell(number, 6, "https://sedh.gob.hn/mirps/informe-2025")
    return book


SLV_EXCEL_ES = [
    "Seguimiento MIRPS El Salvador 2025;;;;",
    "Código;Descripción del compromiso;Nivel de avance;Observaciones;Fecha de actualización",
    "SLV-EDU-01;Hoja de ruta interna;3 - En progreso;Se aprobó la hoja de ruta;15/11/2025",
    "SLV-EDU-02;Variable de deserción;60%;Incluida en SIGES;16/11/2025",
    "SLV-EDU-03;Cursos;Completado;Cursos impartidos, 1.250 docentes;17/11/2025",
    "SLV-EDU-04;Otro;80,0%;Avance del 80,5% en metas;18/11/2025",
    "SLV-EDU-05;Otro;4,0;;19/11/2025",
    'SLV-HEA-01;Salud;"2 - En implementación (40%)";"Coordinación; MINSAL";20/11/2025',
    ";;;;",
    "SLV-HEA-02;Salud;100 %;Finalizado;21/11/2025",
    "SLV-HEA-03;Salud;No iniciado;Sin presupuesto;",
]
SLV_FRACTIONS = [
    "\ufeffCódigo;Compromiso;Porcentaje de avance;Descripción del avance",
    "SLV-PRO-10;Texto;0,6;Avance en la mesa",
    "SLV-PRO-11;Texto;1;Concluido",
    "SLV-PRO-12;Texto;0,2;Inicio",
    "SLV-PRO-13;Texto;0,8;Casi listo",
    "SLV-PRO-14;Texto;0;No iniciado aún",
]

FODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:styles><style:default-style style:family="table-cell">
<style:text-properties fo:language="es" fo:country="ES"/></style:default-style></office:styles>
<office:automatic-styles>
<number:percentage-style style:name="N11" number:language="es" number:country="ES">
<number:number number:decimal-places="0" number:min-integer-digits="1"/><number:text>%</number:text>
</number:percentage-style>
<number:number-style style:name="N4" number:language="es" number:country="ES">
<number:number number:decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>
</number:number-style>
<number:date-style style:name="N37" number:language="es" number:country="ES"><number:day
 number:style="long"/><number:text>/</number:text><number:month number:style="long"/>
<number:text>/</number:text><number:year number:style="long"/></number:date-style>
<style:style style:name="pct" style:family="table-cell" style:data-style-name="N11"/>
<style:style style:name="num" style:family="table-cell" style:data-style-name="N4"/>
<style:style style:name="date" style:family="table-cell" style:data-style-name="N37"/>
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Hoja1">
<table:table-column table:number-columns-repeated="5"/>
{rows}</table:table></office:spreadsheet></office:body></office:document>
"""


def _text(value) -> str:
    cell = '<table:table-cell office:value-type="string">'
    return f"{cell}<text:p>{value}</text:p></table:table-cell>"


def slv_lo_fods() -> str:
    cells = [
        _text("Código") + _text("Compromiso") + _text("Porcentaje de avance")
        + _text("Comentarios") + _text("Fecha")
    ]  # fmt: skip
    for day, (code, value) in enumerate(
        [("SLV-JOB-01", 0.6), ("SLV-JOB-02", 0.8), ("SLV-JOB-03", 1), ("SLV-JOB-04", 0),
         ("SLV-JOB-05", 0.4), ("SLV-JOB-06", None)], start=10,
    ):  # fmt: skip
        if value is None:
            status = (
                '<table:table-cell table:style-name="num" office:value-type="float" '
                'office:value="3"><text:p>3,00</text:p></table:table-cell>'
            )
        else:
            status = (
                f'<table:table-cell table:style-name="pct" office:value-type="percentage" '
                f'office:value="{value}"><text:p>{value:.0%}</text:p></table:table-cell>'
            )
        cells.append(
            _text(code) + _text("Texto del compromiso") + status
            + _text("Avance; revisado por la mesa")
            + f'<table:table-cell table:style-name="date" office:value-type="date" '
            f'office:date-value="2025-11-{day}"><text:p>{day}/11/2025</text:p></table:table-cell>'
        )  # fmt: skip
    rows = "".join(f"<table:table-row>{c}</table:table-row>\n" for c in cells)
    return FODS.format(rows=rows)


def pan_own_workbook() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Portada"
    cover["B2"] = "Comisión Nacional MIRPS Panamá"
    cover["B4"] = "Informe de seguimiento 2025"
    cover["B6"] = "Elaborado por: Dirección de Refugiados (ONPAR)"
    notes = book.create_sheet("Instrucciones")
    notes["A1"] = "Complete la columna Estado con un valor de 0 a 5."
    notes["A2"] = "0 = No iniciado; 5 = Completado"
    sheet = book.create_sheet("Seguimiento 2025")
    sheet["A1"] = "MATRIZ DE SEGUIMIENTO DE COMPROMISOS MIRPS — PANAMÁ"
    sheet["A2"] = "Periodo: enero a diciembre de 2025"
    sheet.merge_cells("A1:G1")
    sheet.merge_cells("A2:G2")
    headers = [
        "N°", "Código MIRPS", "Compromiso", "Institución responsable", "Estado",
        "Acciones realizadas", "Enlace a la evidencia",
    ]  # fmt: skip
    for column, header in enumerate(headers, 1):
        sheet.cell(4, column, header)
    sheet.column_dimensions["D"].hidden = True
    rows = [
        "PILAR 1: PROTECCIÓN",
        (1, "PAN-PRO-01", "Completado", "Resolución publicada", "https://www.onpar.gob.pa/r"),
        (2, "PAN-PRO-02", "3 - En progreso", "Mesa técnica instalada", None),
        (3, "PAN-PRO-03", "En implementación (40%)", "Borrador del protocolo", None),
        None,
        "PILAR 2: EDUCACIÓN",
        (4, "PAN-EDU-01", 4, "Talleres realizados en 3 provincias", None),
        (5, "PAN-EDU-02", "100%", "Convenio firmado con la Universidad de Panamá", None),
        None,
        "PILAR 3: EMPLEO Y MEDIOS DE VIDA",
        (6, "PAN-JOB-01", "No iniciado", "Sin presupuesto asignado", None),
        (7, "PAN-JOB-02", "2", "Consultas con el sector privado", None),
        None,
    ]
    number = 5
    for row in rows:
        if isinstance(row, str):  # a pillar's heading, merged across the sheet
            sheet.cell(number, 1, row)
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=7)
        elif row is not None:
            count, code, status, narrative, link = row
            for column, value in enumerate(
                [count, code, f"Texto de {code}", "MITRADEL", status, narrative, link], 1
            ):
                sheet.cell(number, column, value)
        number += 1
    sheet["E7"].comment = Comment("Pendiente validar con la Defensoría", "ONPAR")
    sheet.cell(number, 2, "Total de compromisos")  # row 18
    sheet.cell(number, 3, f"=COUNTA(B5:B{number - 2})")
    sheet.cell(number, 5, "=AVERAGE(E6:E16)")
    number += 2
    sheet.cell(number, 1, "Notas: la información es preliminar y será validada.")  # row 20
    sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=7)
    sheet.cell(number + 1, 1, "Fuente: ONPAR, noviembre 2025.")
    summary = book.create_sheet("Resumen")
    summary.append(["Estado", "Cantidad"])
    for level in range(6):
        summary.append([level, f"=COUNTIF('Seguimiento 2025'!E:E,{level})"])
    return book


def pan_signatures() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Compromisos"
    sheet["A1"] = "Informe MIRPS Panamá 2025"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["Código", "Compromiso", "Nivel", "Narrativa", "Fecha"])
    for code, status in [
        ("PAN-SOC-01", "3"), ("PAN-SOC-02", "4 - En implementación (80%)"), ("PAN-SOC-03", "5")
    ]:  # fmt: skip
        sheet.append([code, "x", status, "Avances del año", dt.date(2025, 11, 28)])
    sheet.append([])
    sheet.append(["PILAR SOCIAL"])  # row 8
    sheet.merge_cells("A8:E8")
    sheet.append(["PAN-SOC-04", "x", "Terminado", "Concluido en octubre", dt.date(2025, 10, 30)])
    sheet.append(["PAN-SOC-05", "x", "0,6", "Seis de diez talleres", dt.date(2025, 10, 30)])
    sheet.append([])
    sheet.append([])
    sheet.append(["Elaborado por:", "Lcda. María Pérez"])  # row 13
    sheet.append(["Revisado por:", "Lic. José Gómez"])
    sheet.append(["Fecha de envío:", None, None, None, dt.date(2025, 12, 1)])
    return book


def cri_bad_rows() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matriz CRI"
    sheet.append(["Código", "Compromiso", "Nuevo estado (2025)", "Narrativa", "Enlace"])
    for row in [
        ["CRI-EDU-01", "x", 3, "Avance normal", None],
        ["CRI-EDU-02", "x", 7, "Nivel fuera de rango", None],
        ["CRI-EDU-99", "x", 2, "Código inexistente", None],
        ["CRI-EDU-03", "x", "en proceso", "Estado ambiguo", None],
        ["CRI-EDU-04", "x", "4 (20%)", "Contradictorio", None],
        ["CRI-EDU-05", "x", 5, "Completado", "Informe anual 2025"],
        ["CRI-JOB-01", "x", 2, "Primera fila", None],
        ["CRI-JOB-01", "x", 3, "Segunda fila distinta", None],
        ["CRI-JOB-02", "x", 1, "Bien", None],
        ["PAN-PRO-01", "x", 4, "Otro país", None],
        ["CRI-JOB-03", "x", dt.date(2025, 10, 1), "Fecha en el estado", None],
        ["CRI-JOB-04", "x", None, "Narrativa sin estado", None],
        ["CRI-PRO-01", "x", "5 - Completado", "Bien", "https://www.migracion.go.cr/informe"],
    ]:
        sheet.append(row)
    return book


def cri_actions_merged_code() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matriz"
    sheet.append(["Código", "Compromiso", "Acciones", "Estado", "Observaciones"])
    sheet.append(["CRI-SOC-01", "Texto", "Acción 1", 3, "Avance"])
    sheet.append([None, None, "Acción 2", None, "Avance 2"])
    for cells in ("A2:A3", "B2:B3", "D2:D3"):  # one commitment over its two actions' rows
        sheet.merge_cells(cells)
    sheet.append(["CRI-SOC-02", "Texto", "Acción única", 4, "Avance"])
    return book


def mex_codes() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Compromisos"
    sheet.append(["CÓDIGO ", "COMPROMISO", "ESTATUS", "AVANCES REALIZADOS", "FECHA DEL ESTATUS"])
    for code, status in [
        ("  mex-pro-01 ", "5"), ("MEX PRO 2", "3 - 60%"), ("mex_pro_03", "Cumplido"),
        ("MEX-PRO-4", "4 (80%)"), ("MEX-PRO-05\u00a0", "0"), ("Mex-Pro-06", "Finalizado"),
        ("MEX-PRO-07", "1 - Iniciado"), ("MEX - PRO - 08", "2.0"), ("MEX-PRO-09", "=2+1"),
        ("MEX-PRO-10", 4),
    ]:  # fmt: skip
        sheet.append([code, "texto", status, "Se realizaron acciones", dt.date(2025, 11, 30)])
    sheet.row_dimensions[11].hidden = True  # MEX-PRO-10
    return book


def mex_summary_first() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Resumen"
    summary.append(["Pilar", "Compromisos", "Promedio de avance"])
    summary.append(["Protección", 19, 2.4])
    summary.append(["Empleo", 5, 3.1])
    sheet = book.create_sheet("Matriz 2025")
    sheet.append(
        ["No.", "Clave", "Acción", "Estatus de implementación", "Acciones realizadas",
         "Liga de evidencia"]
    )  # fmt: skip
    for number, (code, status) in enumerate(
        [("MEX-JOB-01", "3 - En implementación (60%)"), ("MEX-JOB-02", "Completado"),
         ("MEX-JOB-03", "1 - Iniciado y en implementación")], 1,
    ):  # fmt: skip
        sheet.append([number, code, "x", status, "Acciones", "https://www.gob.mx/comar"])
    sheet.append([None, "Total", None, "=COUNTA(D2:D4)"])
    return book


def blz_english() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "BLZ progress"
    sheet.append(["Belize — MIRPS national plan, progress report 2025"])
    sheet.append([])
    sheet.append(
        ["Commitment code", "Commitment", "Progress status (0-5)", "Progress description",
         "Means of verification", "Date of status"]
    )  # fmt: skip
    for code, status in [
        ("BLZ-EDU-01", "Completed"), ("BLZ-JOB-01", "In progress (60%)"),
        ("BLZ-JOB-02", "Not started"), ("BLZ-JOB-03", "3 - Being implemented (60%)"),
        ("BLZ-PRO-01", 0.8), ("blz-pro-02", "20%"),
    ]:  # fmt: skip
        sheet.append([code, "text", status, "Work done with UNHCR",
                      "https://immigration.gov.bz/report", dt.date(2025, 12, 1)])  # fmt: skip
    percent(sheet["C8"])
    sheet.append(["TOTAL", None, "=AVERAGE(C4:C9)"])
    return book


def gtm_scale_legend_above() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["Informe MIRPS Guatemala 2025"])
    sheet.append([])
    sheet.append(["Nivel", "Descripción"])  # the scale, rows 3-9
    for level, words in enumerate(
        ["No iniciado", "Iniciado", "En implementación (40%)", "En implementación (60%)",
         "En implementación (80%)", "Completado"]
    ):  # fmt: skip
        sheet.append([level, words])
    sheet.append([])
    sheet.append(["Código", "Compromiso", "Estado", "Observaciones"])  # row 11
    sheet.append(["GTM-HEA-01", "x", 3, "Avance"])
    sheet.append(["GTM-EDU-01", "x", 4, "Avance"])
    return book


def gtm_two_years() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["Código", "Compromiso", "Estado 2024", "Estado 2025", "Observaciones 2025"])
    sheet.column_dimensions["C"].hidden = True
    for code, before, now in [("GTM-JOB-01", 2, 3), ("GTM-JOB-02", 1, 2), ("GTM-JOB-03", 3, 5)]:
        sheet.append([code, "x", before, now, "Avance del año"])
    return book


def convert(
    source: Path, target: str, name: str, folder: Path, profile: str, into: Path = FILES
) -> None:
    """``source`` converted by LibreOffice to ``target`` (working in ``folder``), kept in
    ``into`` as ``name``."""
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", target, "--outdir", str(out),
         str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (made,) = list(out.iterdir())
    shutil.copy(made, into / name)


XLS, ODS = "xls:MS Excel 97", "ods"
SEMICOLON_UTF8 = "csv:Text - txt - csv (StarCalc):59,34,76,1,,3082,false,true,true"
BOOKS = [
    (hnd_title_two_row, [(XLS, "team-hnd-title-two-row-percent.xls")]),
    (pan_own_workbook, [(ODS, "team-pan-own-workbook.ods"), (XLS, "team-pan-own-workbook.xls")]),
    (pan_signatures, [(ODS, "team-pan-signatures.ods")]),
    (cri_bad_rows, [(XLS, "team-cri-bad-rows.xls")]),
    (cri_actions_merged_code, [(XLS, "team-cri-actions-merged-code.xls")]),
    (mex_codes, [(XLS, "team-mex-codes-formula-hidden.xls")]),
    (mex_summary_first, [(XLS, "team-mex-summary-first.xls")]),
    (blz_english, [(ODS, "team-blz-english.ods")]),
    (gtm_two_years, [(ODS, "team-gtm-status-2024-2025.ods")]),
    (gtm_scale_legend_above, [(ODS, "team-gtm-scale-legend-above.ods")]),
]


def main(only: str | None = None) -> None:
    """Every file, or (``only``) the one so named."""
    if only is None:
        write_csv()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        if only is None:
            source = tmp / "team-slv-lo-es.fods"
            source.write_text(slv_lo_fods(), encoding="utf-8")
            convert(source, SEMICOLON_UTF8, "team-slv-lo-es.csv", tmp, profile)
        for build, targets in BOOKS:
            source = tmp / f"{build.__name__}.xlsx"
            build().save(source)
            for target, name in targets:
                if only in (None, name):
                    convert(source, target, name, tmp, profile)


def write_csv() -> None:
    (FILES / "team-slv-excel-es.csv").write_bytes(
        ("\r\n".join(SLV_EXCEL_ES) + "\r\n").encode("cp1252")
    )
    (FILES / "team-slv-fractions.csv").write_bytes(
        ("\r\n".join(SLV_FRACTIONS) + "\r\n").encode("utf-8")
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
