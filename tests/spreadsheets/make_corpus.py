"""Make the spreadsheet corpus (run once; the files and the table are committed):

    DJANGO_DEV=1 .venv/bin/python tests/spreadsheets/make_corpus.py

In a throwaway in-memory database holding the 2021 plans, each case below builds a workbook the
way a national team or the app makes one: the matrix or the workspace list downloaded through
the app's own URLs and then edited, or a sheet of the team's own, written with openpyxl. Most
cases are also saved by LibreOffice (``soffice --headless --convert-to``): as ``.ods``, and
that ``.ods`` again as ``.xlsx`` (``*.lo.xlsx``), so the tests read files openpyxl did not
write. Hostile and damaged files are written byte by byte.

Each case states, by hand, what the upload must give: the problems (sheet, row, column, code),
the rows ignored and why, the tally, the file problems or the rejection, and the statuses
written by "apply" (all or nothing) and, where the case says so, by "apply the valid rows".
Row numbers of the matrix are looked up in the file being built (``row_of``), never in the
importer's answer. The table goes to ``files/expected.json``, which ``test_corpus.py`` reads.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
os.environ.setdefault("DJANGO_DEV", "1")

import django  # noqa: E402

OUT = Path(__file__).with_name("files")
LO = ("ods", "lo.xlsx")  # the LibreOffice variants
ALL = ("xlsx",) + LO
GTM_ROWS = 30

CASES: dict[str, dict] = {}  # file name -> expected outcome
BUILT: dict[str, bytes] = {}  # file name -> bytes (openpyxl or raw)
TO_CONVERT: dict[str, tuple[str, ...]] = {}  # case -> LibreOffice variants wanted


def expect(
    *,
    user="gabriel",
    period="2025",
    setup="fresh",
    tally=None,
    problems=(),
    ignored=(),
    file_problems=(),
    written=None,
    refused=None,
    valid_rows=None,
    rejected=None,
    columns=None,
    correct=None,
    confirm=(),
    sheets=None,
    indicators=None,
):
    """The outcome a case must give. ``tally`` is (read, changed, unchanged, problem rows,
    ignored); ``problems`` (sheet, row, column, code); ``ignored`` (sheet, row, code);
    ``written`` what "apply" writes ({} and ``refused``: nothing, with that code);
    ``valid_rows`` what "apply the valid rows" writes; ``columns`` {sheet: {key: letter}} the
    mapping the preview must show (after ``correct``, the person's choice, if any);
    ``indicators`` the indicator values "apply" writes ({"CODE ISO3": "value"}; None: not
    checked, for the cases made before the indicators sheet)."""
    if tally is not None:
        read, changed, unchanged, problem_rows, ignored_rows = tally
        assert read == changed + unchanged + problem_rows + ignored_rows, tally
        tally = {
            "read": read,
            "changed": changed,
            "unchanged": unchanged,
            "problem_rows": problem_rows,
            "ignored": ignored_rows,
        }
    return {
        "user": user,
        "period": period,
        "setup": setup,
        "tally": tally,
        "problems": sorted([list(p) for p in problems]),
        "ignored": sorted([list(i) for i in ignored]),
        "file_problems": list(file_problems),
        "written": written if written is not None else {},
        "refused": refused,
        "valid_rows": valid_rows,
        "rejected": rejected,
        "columns": columns,
        "correct": correct,
        "confirm": list(confirm),
        "sheets": sheets,
        "indicators": indicators,
    }


def add(name: str, data, outcome: dict, variants=("xlsx",), overrides=None):
    """Register a case: its openpyxl workbook (or raw bytes, with the extension in ``name``)
    and the LibreOffice variants wanted (each may override parts of the outcome)."""
    if isinstance(data, bytes):
        BUILT[name] = data
        CASES[name] = outcome
        return
    buffer = io.BytesIO()
    data.save(buffer)
    if "xlsx" in variants:
        BUILT[f"{name}.xlsx"] = buffer.getvalue()
        CASES[f"{name}.xlsx"] = outcome
    lo = tuple(v for v in variants if v in LO)
    if lo:
        TO_CONVERT[name] = lo
        BUILT[f"_source/{name}.xlsx"] = buffer.getvalue()
        for variant in lo:
            CASES[f"{name}.{variant}"] = {**outcome, **((overrides or {}).get(variant, {}))}


# --------------------------------------------------------------------------------------------
# Helpers: the app's own downloads


def client_for(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def download_matrix(username="gabriel", countries=("GTM",), period="2025", language="es"):
    import openpyxl

    response = client_for(username).get(
        "/workspace/spreadsheets/matrix.xlsx",
        {"countries": list(countries), "period": period, "language": language},
    )
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content))


def download_list(fmt, language, username="gabriel", **filters) -> bytes:
    response = client_for(username).get(
        f"/workspace/commitments/export.{fmt}", filters, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200, response.status_code
    return response.content


def row_of(sheet, code) -> int:
    for row in sheet.iter_rows(min_row=2, max_col=1):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)


def fill(sheet, code, status=None, narrative=None, link=None, version=None):
    """Write into the matrix's input columns (G status, H narrative, I link, K version)."""
    row = row_of(sheet, code)
    if status is not None:
        sheet.cell(row, 7).value = status
    if narrative is not None:
        sheet.cell(row, 8).value = narrative
    if link is not None:
        sheet.cell(row, 9).value = link
    if version is not None:
        sheet.cell(row, 11).value = version
    return row


def text_of(code) -> str:
    from commitments.models import Commitment

    return Commitment.objects.get(code=code).text


def new_book(title="Hoja1"):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = title
    return book


# --------------------------------------------------------------------------------------------
# The cases


def matrix_cases():
    # 1. The matrix as downloaded: nothing changes, in both languages.
    for language, sheet_name in (("es", "Matriz"), ("en", "Matrix")):
        add(
            f"matrix-unchanged-{language}",
            download_matrix(language=language),
            expect(tally=(GTM_ROWS, 0, GTM_ROWS, 0, 0), written={}, refused="nothing_to_apply",
                   columns={sheet_name: {"code": "A", "text": "E", "status": "G",
                                         "narrative": "H", "evidence_url": "I",
                                         "version": "K"}}),
            ALL,
        )  # fmt: skip

    # 2. Filled in well: three changes, written all at once.
    book = download_matrix()
    sheet = book["Matriz"]
    fill(sheet, "GTM-PRO-01", "3 - En implementación (60%)", "Dirección fortalecida")
    fill(sheet, "GTM-PRO-02", "Completado", "Capacitaciones realizadas",
         "https://example.org/informe.pdf")  # fmt: skip
    row = fill(sheet, "GTM-PRO-03", 0.4, "Curso diseñado")
    sheet.cell(row, 7).number_format = "0%"  # a cell formatted as a percentage
    written = {"GTM-PRO-01": 3, "GTM-PRO-02": 5, "GTM-PRO-03": 2}
    add("matrix-filled", book, expect(tally=(GTM_ROWS, 3, 27, 0, 0), written=written), ALL)

    # 3. Filled with two problem rows: nothing applied as a whole; the valid rows on request.
    book = download_matrix()
    sheet = book["Matriz"]
    fill(sheet, "GTM-PRO-01", "3 - En implementación (60%)", "Dirección fortalecida")
    fill(sheet, "GTM-PRO-02", "Completado", "Capacitaciones realizadas")
    formula = fill(sheet, "GTM-PRO-04", "=1+1", "calculado")
    out_of_range = fill(sheet, "GTM-PRO-05", 8, "fuera de escala")
    add(
        "matrix-problems",
        book,
        expect(
            tally=(GTM_ROWS, 2, 26, 2, 0),
            problems=[("Matriz", formula, "G", "formula"),
                      ("Matriz", out_of_range, "G", "status_out_of_range")],
            refused="apply_has_problems",
            valid_rows={"GTM-PRO-01": 3, "GTM-PRO-02": 5},
        ),
        ALL,
    )  # fmt: skip

    # 4. The issue's duplicate: one commitment in two rows with two statuses: both refused, by
    # one problem naming both rows (issue 19: grouped per commitment, never one per row).
    book = download_matrix()
    sheet = book["Matriz"]
    first = fill(sheet, "GTM-PRO-07", 1, "primera versión")
    fill(sheet, "GTM-PRO-08", 2, "avance real")
    second = sheet.max_row + 1
    sheet.cell(second, 1).value = "GTM-PRO-07"
    sheet.cell(second, 7).value = 3
    sheet.cell(second, 8).value = "segunda versión"
    add(
        "matrix-duplicate-different",
        book,
        expect(
            tally=(GTM_ROWS + 1, 1, 28, 2, 0),
            problems=[("Matriz", first, "A", "duplicate_rows")],
            refused="apply_has_problems",
            valid_rows={"GTM-PRO-08": 2},
        ),
        ALL,
    )

    # 5. The same row twice with the same values: counted once.
    book = download_matrix()
    sheet = book["Matriz"]
    first = fill(sheet, "GTM-PRO-07", 1, "una sola versión")
    second = sheet.max_row + 1
    for column in (1, 7, 8):
        sheet.cell(second, column).value = sheet.cell(first, column).value
    add(
        "matrix-duplicate-same",
        book,
        expect(tally=(GTM_ROWS + 1, 1, 29, 0, 1), ignored=[("Matriz", second, "duplicate_same")],
               written={"GTM-PRO-07": 1}),
    )  # fmt: skip

    # 6. Hidden rows: a change in a hidden row is a problem; an unchanged hidden row is not.
    book = download_matrix()
    sheet = book["Matriz"]
    fill(sheet, "GTM-JOB-01", 2, "visible")
    hidden_change = fill(sheet, "GTM-JOB-02", 4, "escondido")
    hidden_same = row_of(sheet, "GTM-JOB-03")
    for row in (hidden_change, hidden_same):
        sheet.row_dimensions[row].hidden = True
    add(
        "matrix-hidden-rows",
        book,
        expect(tally=(GTM_ROWS, 1, 28, 1, 0),
               problems=[("Matriz", hidden_change, "G", "hidden_row")],
               refused="apply_has_problems", valid_rows={"GTM-JOB-01": 2}),
        ALL,
    )  # fmt: skip

    # 7. A row far below the others, after a long run of empty rows (in .ods: a repeated
    # block of empty rows): read like any other.
    book = download_matrix()
    sheet = book["Matriz"]
    sheet.delete_rows(row_of(sheet, "GTM-HEA-01"))
    far = sheet.max_row + 2500
    sheet.cell(far, 1).value = "GTM-HEA-01"
    sheet.cell(far, 7).value = 5
    sheet.cell(far, 8).value = "añadido al final"
    add(
        "matrix-row-after-gap",
        book,
        expect(tally=(GTM_ROWS, 1, 29, 0, 0), written={"GTM-HEA-01": 5}),
        ALL,
    )

    # 8. Merged cells over the columns read, formulas, a date, a bad link, a narrative
    # without a status, a row of another country that changes something.
    book = download_matrix()
    sheet = book["Matriz"]
    merged = fill(sheet, "GTM-PRO-10", 2, "fusionada")
    sheet.merge_cells(start_row=merged, start_column=8, end_row=merged + 1, end_column=8)
    formula_narrative = fill(sheet, "GTM-PRO-12", 3, '=CONCATENATE("a","b")')
    date = fill(sheet, "GTM-PRO-13", dt.date(2025, 3, 1), "fecha")
    fill(sheet, "GTM-PRO-14", 3, "con enlace", "www.example")  # read as https://www.example
    words_only = fill(sheet, "GTM-PRO-15", None, "solo narrativa")
    foreign = sheet.max_row + 1
    sheet.cell(foreign, 1).value = "HND-PRO-01"
    sheet.cell(foreign, 7).value = 2
    sheet.cell(foreign, 8).value = "de otro país"
    unknown = foreign + 1
    sheet.cell(unknown, 1).value = "GTM-ZZZ-99"
    sheet.cell(unknown, 7).value = 1
    sheet.cell(unknown, 8).value = "no existe"
    fill(sheet, "GTM-EDU-02", 1, "válida")
    add(
        "matrix-row-problems",
        book,
        expect(
            # "www.example" is read as https://www.example (mirps/links.py), as on every route
            tally=(GTM_ROWS + 2, 2, 23, 7, 0),
            problems=[
                ("Matriz", merged, "H", "merged"),
                ("Matriz", merged + 1, "H", "merged"),
                ("Matriz", formula_narrative, "H", "formula"),
                ("Matriz", date, "G", "status_date"),
                ("Matriz", words_only, "H", "narrative_without_status"),
                ("Matriz", foreign, "A", "other_country"),
                ("Matriz", unknown, "A", "unknown_code"),
            ],
            refused="apply_has_problems",
            valid_rows={"GTM-EDU-02": 1, "GTM-PRO-14": 3},
        ),
        ALL,
    )

    # 9. Statuses written many ways; "Sin reporte" is nothing to report.
    book = download_matrix()
    sheet = book["Matriz"]
    ways = {
        "GTM-JOB-01": ("3", 3),
        "GTM-JOB-02": ("60%", 3),
        "GTM-JOB-03": ("No iniciado", 0),
        "GTM-JOB-04": ("4 - Being implemented (80%)", 4),
        "GTM-JOB-05": ("completado", 5),
        "GTM-JOB-06": (1, 1),
        "GTM-JOB-07": ("2,0", 2),
    }
    for code, (value, _level) in ways.items():
        fill(sheet, code, value, f"avance {code}")
    fill(sheet, "GTM-JOB-08", "Sin reporte")
    add("matrix-statuses-many-ways", book,
        expect(tally=(GTM_ROWS, 7, 23, 0, 0),
               written={code: level for code, (_v, level) in ways.items()}), ALL)  # fmt: skip

    # 10. Statuses that are not statuses.
    book = download_matrix()
    sheet = book["Matriz"]
    bad = {
        "GTM-JOB-01": (7, "status_out_of_range"),
        "GTM-JOB-02": ("55%", "status_percent"),
        "GTM-JOB-03": ("quizás", "status_unknown"),
        "GTM-JOB-04": (True, "status_unknown"),
        "GTM-JOB-05": (dt.datetime(2025, 5, 1, 10, 30), "status_date"),
    }
    rows = {code: fill(sheet, code, value, "x") for code, (value, _c) in bad.items()}
    unreadable = expect(
        tally=(GTM_ROWS, 0, 25, 5, 0),
        problems=[("Matriz", rows[code], "G", c) for code, (_v, c) in bad.items()],
        refused="apply_has_problems",
        valid_rows={},
    )
    # LibreOffice writes a TRUE cell in .ods as the formula =TRUE()
    in_ods = {**bad, "GTM-JOB-04": (True, "formula")}
    add("matrix-statuses-unreadable", book, unreadable, ("xlsx", "ods"),
        overrides={"ods": {"problems": sorted(
            [["Matriz", rows[code], "G", c] for code, (_v, c) in in_ods.items()])}})  # fmt: skip

    # 11. The issue's 500s: a version cell edited, or not a number.
    book = download_matrix()
    sheet = book["Matriz"]
    edited = fill(sheet, "GTM-PRO-08", 2, "versión cambiada", version=999999)
    text = fill(sheet, "GTM-PRO-09", 2, "versión con texto", version="abc")
    fill(sheet, "GTM-PRO-11", 1, "bien")
    add("matrix-version-edited", book,
        expect(tally=(GTM_ROWS, 1, 27, 2, 0),
               problems=[("Matriz", edited, "K", "version_mismatch"),
                         ("Matriz", text, "K", "version_unreadable")],
               refused="apply_has_problems", valid_rows={"GTM-PRO-11": 1}),
        ("xlsx", "ods"))  # fmt: skip

    # 12. Someone recorded after the download (the file says version 0; the database has a
    # row): the row names the version column and who did it.
    book = download_matrix()
    sheet = book["Matriz"]
    since = fill(sheet, "GTM-EDU-01", 5, "terminado")
    same = fill(sheet, "GTM-PRO-06", 2)  # the pending submission's status: unchanged
    add("matrix-changed-since-download", book,
        expect(setup="history", tally=(GTM_ROWS, 0, 29, 1, 0),
               problems=[("Matriz", since, "K", "changed_since_download")],
               refused="apply_has_problems", valid_rows={}))  # fmt: skip
    del same

    # 13. The issue's wrong period: made for 2025 (with versions of 2025 rows) and uploaded
    # to 2024, which has rows of its own.
    book = download_matrix()  # made on the "history" state: see history_cases
    del book

    # 14. A locked period.
    book = download_matrix(period="2023")
    fill(book["Matriz"], "GTM-PRO-01", 1, "tarde")
    add("matrix-locked-period", book,
        expect(setup="locked", period="2023", tally=(GTM_ROWS, 1, 29, 0, 0),
               file_problems=["period_locked"], refused="apply_file_problems"))  # fmt: skip

    # 15. The secretariat's regional matrix: every country, approved as applied.
    book = download_matrix("sofia", ("BLZ", "CRI", "SLV", "GTM", "HND", "MEX", "PAN"))
    sheet = book["Matriz"]
    for code, level in (("BLZ-PRO-01", 4), ("MEX-EDU-01", 2), ("PAN-HEA-01", 1)):
        fill(sheet, code, level, f"Informe {code}")
    add("matrix-region-secretariat", book,
        expect(user="sofia", tally=(229, 3, 226, 0, 0),
               written={"BLZ-PRO-01": 4, "MEX-EDU-01": 2, "PAN-HEA-01": 1}))  # fmt: skip

    # 16. The issue's narrative of one megabyte of repeated text: not a decompression bomb, but
    # over the narrative limit (5,000 characters), which the row's problem names (openpyxl
    # stops a cell at 32,767 characters, so the text goes into the archive itself).
    book = download_matrix()
    fill(book["Matriz"], "GTM-PRO-16", 3, "LONG-NARRATIVE")
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    long_text = ("Se avanzó en la coordinación. " * 35000)[:1_000_000].encode()
    (part,) = [name for name, data in parts.items() if b"LONG-NARRATIVE" in data]
    parts[part] = parts[part].replace(b"LONG-NARRATIVE", long_text)
    add("matrix-long-narrative.xlsx", _zip(parts),
        expect(tally=(GTM_ROWS, 0, 29, 1, 0), written={}, refused="apply_has_problems",
               problems=[("Matriz", 17, "H", "narrative_too_long")], valid_rows={}))  # fmt: skip

    # 17. Commitments split over two visible sheets: both are read.
    book = download_matrix()
    sheet = book["Matriz"]
    sheet.title = "Protección"
    second = book.create_sheet("Educación y salud", 1)
    second.append([c.value for c in sheet[1]])
    for code in ("GTM-EDU-01", "GTM-EDU-02", "GTM-HEA-01"):
        row = row_of(sheet, code)
        second.append([c.value for c in sheet[row]])
        sheet.delete_rows(row)
    fill(sheet, "GTM-PRO-17", 2, "coordinación")
    second.cell(3, 7).value = 4
    second.cell(3, 8).value = "escuelas"
    add("two-sheets", book,
        expect(tally=(GTM_ROWS, 2, 28, 0, 0), written={"GTM-PRO-17": 2, "GTM-EDU-02": 4},
               sheets={"Protección": "data", "Educación y salud": "data",
                       "Instrucciones": "instructions", "_mirps": "meta"}),
        ALL)  # fmt: skip

    # 18. The same commitment in two sheets with different statuses.
    book = download_matrix()
    sheet = book["Matriz"]
    other = book.create_sheet("Correcciones", 1)
    other.append(["Código", "Nuevo estado", "Narrativa"])
    other.append(["GTM-PRO-18", 3, "corrección"])
    first = fill(sheet, "GTM-PRO-18", 2, "primera")
    add("two-sheets-duplicate", book,
        expect(tally=(GTM_ROWS + 1, 0, 29, 2, 0),
               problems=[("Matriz", first, "A", "duplicate_rows")],
               refused="apply_has_problems", valid_rows={}),
        ("xlsx", "ods"))  # fmt: skip

    # 19. The issue's hidden sheet: a hidden copy with stale values comes first; only the
    # visible sheet is read, and the hidden one is reported.
    book = download_matrix()
    sheet = book["Matriz"]
    stale = book.create_sheet("Matriz (anterior)", 0)
    stale.append([c.value for c in sheet[1]])
    stale.append(["GTM-PRO-19", None, None, None, None, None, 1, "viejo"])
    stale.append(["GTM-HEA-01", None, None, None, None, None, 0, "viejo"])
    stale.sheet_state = "hidden"
    book.active = 1  # the visible matrix is the one open (a hidden sheet cannot be)
    fill(sheet, "GTM-PRO-19", 4, "actual")
    # LibreOffice saving the .ods as .xlsx makes the first sheet visible again: then both
    # sheets are read, and each commitment in both is a problem, never a silent choice.
    visible_again = expect(
        tally=(GTM_ROWS + 2, 0, 28, 4, 0),
        problems=[  # one per commitment, at its first row (the first sheet's)
            ("Matriz (anterior)", 2, "A", "duplicate_rows"),
            ("Matriz (anterior)", 3, "A", "duplicate_rows"),
        ],
        refused="apply_has_problems",
        sheets={
            "Matriz (anterior)": "data",
            "Matriz": "data",
            "Instrucciones": "instructions",
            "_mirps": "meta",
        },
    )
    add("hidden-sheet-stale", book,
        expect(tally=(GTM_ROWS, 1, 29, 0, 0), written={"GTM-PRO-19": 4},
               sheets={"Matriz (anterior)": "hidden", "Matriz": "data",
                       "Instrucciones": "instructions", "_mirps": "meta"}),
        ALL, overrides={"lo.xlsx": visible_again})  # fmt: skip

    # 20. The matrix with its header repeated below (for printing) and notes under it.
    book = download_matrix()
    sheet = book["Matriz"]
    header = [c.value for c in sheet[1]]
    repeat = sheet.max_row + 1
    for column, value in enumerate(header, start=1):
        sheet.cell(repeat, column).value = value
    note = repeat + 1
    sheet.cell(note, 5).value = "Nota: revisado por el equipo técnico"
    fill(sheet, "GTM-PRO-01", 1, "inicio")
    add("matrix-header-repeated", book,
        expect(tally=(GTM_ROWS + 2, 1, 29, 0, 2),
               ignored=[("Matriz", repeat, "header_repeated"),
                        ("Matriz", note, "nothing_to_record")],
               written={"GTM-PRO-01": 1}),
        ALL)  # fmt: skip

    # 21. Data right of the last column read.
    book = download_matrix()
    sheet = book["Matriz"]
    far = sheet.max_row + 1
    sheet.cell(far, 120).value = "notas sueltas"
    add("matrix-data-beyond-columns", book,
        expect(tally=(GTM_ROWS + 1, 0, GTM_ROWS, 0, 1),
               ignored=[("Matriz", far, "row_beyond_columns")],
               refused="nothing_to_apply"))  # fmt: skip


IND = "Indicadores"
IND_SHEETS_ES = {"Matriz": "data", IND: "indicators", "Instrucciones": "instructions",
                 "_mirps": "meta"}  # fmt: skip
GTM_INDICATORS = 4  # Guatemala's indicators (those it has values for in the 2024 report)


def fill_indicator(sheet, code, value, document="Informe nacional 2025", where="p. 4",
                   country=None):  # fmt: skip
    """Write into the indicators sheet's input columns (J value, K document, L page)."""
    row = row_of(sheet, code)
    sheet.cell(row, 10).value = value
    sheet.cell(row, 11).value = document
    sheet.cell(row, 12).value = where
    if country is not None:
        sheet.cell(row, 2).value = country
    return row


def indicator_cases():
    """The matrix's second sheet, "Indicadores" / "Indicators" (issue 13)."""
    rows = GTM_ROWS + GTM_INDICATORS
    # 1. The template as downloaded, in both languages: nothing changes.
    for language, sheet_name in (("es", IND), ("en", "Indicators")):
        add(f"ind-template-unchanged-{language}", download_matrix(language=language),
            expect(tally=(rows, 0, rows, 0, 0), refused="nothing_to_apply", indicators={},
                   columns={sheet_name: {"indicator": "A", "country": "B", "new_value": "J",
                                         "source_document": "K", "source_section": "L",
                                         "version": "O"}}),
            ALL if language == "es" else ("xlsx",))  # fmt: skip
    # 2. A status and an indicator value (Spanish separators), also re-saved by LibreOffice.
    book = download_matrix()
    fill(book["Matriz"], "GTM-PRO-01", 3, "Se abrió la oficina")
    fill_indicator(book[IND], "WORK_PERMITS_REFUGEES", "1.234,5")
    add("ind-status-and-value-es", book,
        expect(tally=(rows, 2, rows - 2, 0, 0), written={"GTM-PRO-01": 3},
               indicators={"WORK_PERMITS_REFUGEES GTM": "1234.5"}, sheets=IND_SHEETS_ES),
        ALL)  # fmt: skip
    # 3. English template, English separators, a number typed as text.
    book = download_matrix(language="en")
    fill_indicator(book["Indicators"], "ASYLUM_SEEKERS", "1,234.5", "National report")
    add("ind-value-en-separators", book,
        expect(tally=(rows, 1, rows - 1, 0, 0),
               indicators={"ASYLUM_SEEKERS GTM": "1234.5"}),
        ("xlsx", "ods"))  # fmt: skip
    # 4. Only the indicators sheet (the team deleted the others).
    book = download_matrix()
    for name in ("Matriz", "Instrucciones", "_mirps"):
        del book[name]
    fill_indicator(book[IND], "REF_RECOGNISED", 600)
    add("ind-only-sheet", book,
        expect(tally=(GTM_INDICATORS, 1, GTM_INDICATORS - 1, 0, 0),
               indicators={"REF_RECOGNISED GTM": "600"}, sheets={IND: "indicators"}),
        ALL)  # fmt: skip
    # 5. The indicators sheet deleted: the statuses work as before.
    book = download_matrix()
    del book[IND]
    fill(book["Matriz"], "GTM-PRO-02", 2, "Talleres")
    add("ind-missing-sheet", book,
        expect(tally=(GTM_ROWS, 1, GTM_ROWS - 1, 0, 0), written={"GTM-PRO-02": 2},
               indicators={}),
        ("xlsx", "ods"))  # fmt: skip
    # 6. The indicators sheet hidden, with a value in it: reported, not read.
    book = download_matrix()
    fill_indicator(book[IND], "REF_RECOGNISED", 600)
    book[IND].sheet_state = "hidden"
    add("ind-hidden-sheet", book,
        expect(tally=(GTM_ROWS, 0, GTM_ROWS, 0, 0), refused="nothing_to_apply", indicators={},
               sheets={**IND_SHEETS_ES, IND: "hidden"}),
        ("xlsx", "ods"))  # fmt: skip
    # 7. Another country's value: a problem; nothing written (the status neither).
    book = download_matrix()
    fill(book["Matriz"], "GTM-PRO-01", 3, "Se abrió la oficina")
    row = fill_indicator(book[IND], "REF_RECOGNISED", 20, country="PAN")
    add("ind-wrong-country", book,
        expect(tally=(rows, 1, rows - 2, 1, 0),
               problems=[(IND, row, "B", "indicator_other_country")],
               refused="apply_has_problems", indicators={},
               valid_rows={"GTM-PRO-01": 3}),
        ("xlsx", "lo.xlsx"))  # fmt: skip
    # 8. Two rows for one indicator and period with different values: both problems.
    book = download_matrix()
    sheet = book[IND]
    first = fill_indicator(sheet, "REF_RECOGNISED", 600)
    second = sheet.max_row + 1
    for column in range(1, 16):
        sheet.cell(second, column).value = sheet.cell(first, column).value
    sheet.cell(second, 10).value = 610
    add("ind-duplicates", book,
        expect(tally=(rows + 1, 0, rows - 1, 2, 0),
               problems=[(IND, first, "A", "indicator_duplicate_rows")],
               refused="apply_has_problems", indicators={}),
        ("xlsx", "ods"))  # fmt: skip
    # 9. Someone recorded a value for the slot after the download (set-up "indicator-value").
    book = download_matrix()
    row = fill_indicator(book[IND], "REF_RECOGNISED", 600)
    add("ind-conflict", book,
        expect(setup="indicator-value", tally=(rows, 0, rows - 1, 1, 0),
               problems=[(IND, row, "O", "indicator_changed_since_download")],
               refused="apply_has_problems", indicators={}),
        ("xlsx", "lo.xlsx"))  # fmt: skip
    # 10. Blank rows, and a row added after a long gap (by indicator code only, no version).
    book = download_matrix()
    sheet = book[IND]
    sheet.insert_rows(3, 3)
    far = sheet.max_row + 60
    sheet.cell(far, 1).value = "ASYLUM_APPLICATIONS"
    sheet.cell(far, 10).value = "12 800"
    sheet.cell(far, 11).value = "Informe"
    sheet.cell(far, 12).value = "https://example.org/informe"
    add("ind-blank-rows", book,
        expect(tally=(rows + 1, 1, rows, 0, 0),
               indicators={"ASYLUM_APPLICATIONS GTM": "12800"}),
        ALL)  # fmt: skip
    # 11. Values that are not figures, negative, or without a source; the valid one applies.
    book = download_matrix()
    sheet = book[IND]
    a = fill_indicator(sheet, "REF_RECOGNISED", "muchos")
    b = fill_indicator(sheet, "ASYLUM_SEEKERS", "-12")
    c = fill_indicator(sheet, "WORK_PERMITS_REFUGEES", 5, document=None)
    fill_indicator(sheet, "WORK_PERMITS_ASYLUM_SEEKERS", "544")
    add("ind-bad-values", book,
        expect(tally=(rows, 1, GTM_ROWS, 3, 0),
               problems=[(IND, a, "J", "indicator_value_unreadable"),
                         (IND, b, "J", "indicator_value_negative"),
                         (IND, c, "K", "indicator_source_missing")],
               refused="apply_has_problems", indicators={},
               valid_rows={}),
        ("xlsx", "ods"))  # fmt: skip
    # 12. A team's own sheet in Spanish: indicator by name, its own headers, a grouped figure.
    book = new_book("Cifras 2025")
    sheet = book.active
    sheet.append(["Indicador", "País", "Cifra 2025", "Fuente", "Página", "Cita textual",
                  "Observaciones"])  # fmt: skip
    sheet.append(["Permisos de trabajo para personas solicitantes de asilo", "GTM", "31.000",
                  "Informe anual", "p. 12", "Se otorgaron 31.000 permisos.", None])  # fmt: skip
    sheet.append(["Solicitudes de asilo", "Guatemala", None, None, None, None, "sin datos"])
    add("ind-own-headers-es", book,
        expect(tally=(2, 1, 1, 0, 0),
               indicators={"WORK_PERMITS_ASYLUM_SEEKERS GTM": "31000"},
               columns={"Cifras 2025": {"indicator_name": "A", "country": "B",
                                        "new_value": "C", "source_document": "D",
                                        "source_section": "E", "source_quote": "F"}}),
        ALL)  # fmt: skip
    # 13. In English, other words, an unknown indicator code.
    book = new_book("Figures")
    sheet = book.active
    sheet.append(["Code", "Indicator name", "Value (persons)", "Data source", "Link", "Remarks"])
    sheet.append([None, "Persons recognised as refugees", "1,500", "Annual report",
                  "https://example.org/r", None])  # fmt: skip
    sheet.append(["REFUGEES_HAPPY", None, 3, "Annual report", "p. 3", None])
    add("ind-own-headers-en", book,
        expect(tally=(2, 1, 0, 1, 0),
               problems=[("Figures", 3, "A", "indicator_unknown")],
               refused="apply_has_problems", indicators={},
               columns={"Figures": {"indicator": "A", "indicator_name": "B",
                                    "new_value": "C", "source_document": "D",
                                    "source_section": "E"}}),
        ("xlsx", "ods"))  # fmt: skip


def history_cases():
    """Files made against the "history" state (statuses recorded, one pending)."""
    # The issue's 500: made for 2025 (version cells of 2025 rows) and uploaded to 2024.
    book = download_matrix()
    fill(book["Matriz"], "GTM-EDU-01", 5, "terminado")
    add("matrix-2025-uploaded-to-2024", book,
        expect(setup="history", period="2024", tally=(GTM_ROWS, 2, 28, 0, 0),
               file_problems=["wrong_period"], refused="apply_file_problems"),
        ("xlsx", "ods"))  # fmt: skip
    # Made for 2025 with a 2024 row's id in a version cell.
    book = download_matrix()
    row = fill(book["Matriz"], "GTM-PRO-01", 4, "cambio", version=900101)
    add("matrix-version-of-another-period", book,
        expect(setup="history", tally=(GTM_ROWS, 0, 29, 1, 0),
               problems=[("Matriz", row, "K", "version_mismatch")],
               refused="apply_has_problems", valid_rows={}))  # fmt: skip
    # The matrix and the workspace list exported with statuses (one pending): each uploads
    # back with no change, in both languages and file types.
    for language, sheet_name in (("es", "Matriz"), ("en", "Matrix")):
        add(f"export-matrix-history-{language}", download_matrix(language=language),
            expect(setup="history", tally=(GTM_ROWS, 0, GTM_ROWS, 0, 0),
                   refused="nothing_to_apply"),
            ALL if language == "es" else ("xlsx",))  # fmt: skip
        data = download_list("xlsx", language)
        import openpyxl

        add(f"export-list-{language}", openpyxl.load_workbook(io.BytesIO(data)),
            expect(setup="history", tally=(229, 0, 229, 0, 0), refused="nothing_to_apply",
                   sheets={sheet_name: "data", "Instrucciones" if language == "es"
                           else "Instructions": "instructions", "_mirps": "meta"}),
            ALL if language == "es" else ("xlsx",))  # fmt: skip
        add(
            f"export-list-{language}.csv",
            download_list("csv", language),
            expect(setup="history", tally=(229, 0, 229, 0, 0), refused="nothing_to_apply"),
        )
    # The list filtered to one country, then edited: the change is applied.
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(download_list("xlsx", "es", country="GTM")))
    fill(book["Matriz"], "GTM-PRO-06", 3, "revisado")  # replaces the pending submission
    add("export-list-gtm-edited", book,
        expect(setup="history", tally=(GTM_ROWS, 1, 29, 0, 0), written={"GTM-PRO-06": 3}),
        ALL)  # fmt: skip


def handmade_cases():
    """Sheets national teams make themselves."""
    # The issue's narrative column worded as a phrase, in Spanish.
    book = new_book("Seguimiento 2025")
    sheet = book.active
    sheet.append(["Seguimiento del Plan Nacional MIRPS – Guatemala"])
    sheet.append(["Periodo: 2025"])
    sheet.append([])
    sheet.append(
        [
            "N°",
            "Código del compromiso",
            "Nivel de avance (0-5)",
            "Descripción del avance realizado",
            "Medio de verificación",
            "Responsable",
        ]
    )
    sheet.append([1, "GTM-PRO-01", "3", "Se contrató personal", "https://example.org/a", "DGM"])
    sheet.append([2, "GTM-PRO-02", "4", "Talleres en 5 departamentos", None, "IGM"])
    sheet.append([3, "GTM-PRO-03", None, None, None, "IGM"])
    sheet.append(["PROTECCIÓN (subtotal)"])
    add("handmade-es-phrases", book,
        expect(tally=(4, 2, 1, 0, 1), ignored=[("Seguimiento 2025", 8, "nothing_to_record")],
               written={"GTM-PRO-01": 3, "GTM-PRO-02": 4},
               columns={"Seguimiento 2025": {"code": "B", "status": "C", "narrative": "D",
                                             "evidence_url": "E"}}),
        ALL)  # fmt: skip

    # In English, with other words.
    book = new_book("Progress")
    sheet = book.active
    sheet.append(
        [
            "Commitment ID",
            "Traffic light",
            "Progress made in the period",
            "Link to evidence",
            "Comments of the focal point",
        ]
    )
    sheet.append(["GTM-JOB-01", "2 - Being implemented (40%)", "Draft reform sent", None, "ok"])
    sheet.append(["gtm job 2", 1, "Campaign designed", "https://example.org/c", None])
    add("handmade-en-phrases", book,
        expect(tally=(2, 2, 0, 0, 0), written={"GTM-JOB-01": 2, "GTM-JOB-02": 1},
               columns={"Progress": {"code": "A", "status": "B", "narrative": "C",
                                     "evidence_url": "D"}}),
        ALL)  # fmt: skip

    # Capitals, line breaks, notes in brackets, no accents, plural, numbering, a typo.
    book = new_book("Matriz MIRPS")
    sheet = book.active
    sheet.append(
        [
            "1. CODIGO\nDEL COMPROMISO",
            "ESTADO\n(0 = no iniciado … 5 = completado)",
            "  Observaciones  (qué se hizo,\nquién, qué falta) ",
            "Enlace (URL)*",
            "Fecha de actualización",
        ]
    )
    sheet.append(["GTM-PRO-04", "1", "Borrador del protocolo", None, dt.date(2025, 4, 2)])
    sheet.append(["GTM-PRO-05", "Completado", "Cursos terminados", None, dt.date(2025, 4, 3)])
    add("handmade-headers-messy", book,
        expect(tally=(2, 2, 0, 0, 0), written={"GTM-PRO-04": 1, "GTM-PRO-05": 5},
               columns={"Matriz MIRPS": {"code": "A", "status": "B", "narrative": "C",
                                         "evidence_url": "D"}}),
        ALL)  # fmt: skip

    book = new_book("Hoja1")
    sheet = book.active
    sheet.append(["Codigo", "Estdo", "Narativa", "Evidensia"])
    sheet.append(["GTM-PRO-06", 2, "Materiales impresos", None])
    add("handmade-headers-typos", book,
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-PRO-06": 2},
               columns={"Hoja1": {"code": "A", "status": "B", "narrative": "C"}}),
        ("xlsx", "ods"))  # fmt: skip

    # A narrative column nobody could guess ("Texto libre"): every change needs one, so the
    # preview names the missing column; the person chooses column C and applies.
    book = new_book("Avances")
    sheet = book.active
    sheet.append(["Código", "Estado", "Texto libre", "Otra cosa"])
    sheet.append(["GTM-PRO-07", 2, "Centros de recepción mejorados", "x"])
    sheet.append(["GTM-PRO-08", 3, "Funcionarios capacitados", "y"])
    add("handmade-narrative-unrecognised", book,
        expect(tally=(2, 0, 0, 2, 0),
               problems=[("Avances", 2, "B", "narrative_column_missing"),
                         ("Avances", 3, "B", "narrative_column_missing")],
               refused="apply_has_problems", valid_rows={}),
        ALL)  # fmt: skip
    add("handmade-narrative-chosen", book,
        expect(tally=(2, 2, 0, 0, 0), correct={"Avances": {"narrative": 2}},
               columns={"Avances": {"code": "A", "status": "B", "narrative": "C"}},
               written={"GTM-PRO-07": 2, "GTM-PRO-08": 3}),
        ALL)  # fmt: skip

    # A status column nobody could guess: no header found until the person chooses it.
    book = new_book("Datos")
    sheet = book.active
    sheet.append(["Código", "Situación a diciembre", "Narrativa"])
    sheet.append(["GTM-PRO-09", "4", "Instituciones fortalecidas"])
    add("handmade-status-chosen", book,
        expect(tally=(1, 1, 0, 0, 0), correct={"Datos": {"status": 1}},
               written={"GTM-PRO-09": 4}),
        ("xlsx", "ods"))  # fmt: skip

    # No codes: matched by the commitment's text (exactly, or closely with a confirmation).
    book = new_book("Avances")
    sheet = book.active
    sheet.append(["Seguimiento MIRPS Guatemala 2025"])
    sheet.append(["Preparado por el equipo técnico nacional"])
    sheet.append([])
    sheet.append(["Estado", "Compromiso", "Observaciones"])
    sheet.append(["60%", text_of("GTM-EDU-01"), "Convenio firmado"])
    sheet.append(["2", text_of("GTM-HEA-01"), "Plan aprobado"])
    sheet.append(["Completado", "Texto que no corresponde a ningún compromiso", "?"])
    sheet.append([None, "Otra nota sin estado", None])
    add("handmade-no-codes", book,
        expect(tally=(4, 2, 0, 1, 1), problems=[("Avances", 7, "B", "no_text_match")],
               ignored=[("Avances", 8, "nothing_to_record")], refused="apply_has_problems",
               valid_rows={"GTM-EDU-01": 3, "GTM-HEA-01": 2}),
        ALL)  # fmt: skip
    book = new_book("Avances")
    sheet = book.active
    sheet.append(["Comentarios", "Estado", "Compromiso"])
    sheet.append(["Reforma en curso", "40%", text_of("GTM-JOB-01").replace("labour", "labor")])
    sheet.append(["Campaña lista", "Completado", text_of("GTM-JOB-02")])
    add("handmade-close-match-confirmed", book,
        expect(tally=(2, 2, 0, 0, 0), confirm=["Avances!2"],
               written={"GTM-JOB-01": 2, "GTM-JOB-02": 5}),
        ("xlsx", "ods"))  # fmt: skip
    add("handmade-close-match-unconfirmed", book,
        expect(tally=(2, 2, 0, 0, 0), refused="apply_unconfirmed",
               valid_rows={"GTM-JOB-02": 5}))  # fmt: skip

    # "Estado actual" as the only status column is the status being reported.
    book = new_book("Hoja1")
    sheet = book.active
    sheet.append(["Código", "Estado actual", "Comentarios"])
    sheet.append(["GTM-JOB-03", "1 - Iniciado", "Campaña iniciada"])
    add("handmade-current-status", book,
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-JOB-03": 1},
               columns={"Hoja1": {"code": "A", "status": "B", "narrative": "C"}}))  # fmt: skip

    # A sheet without the columns needed: nothing read, and the file says why.
    book = new_book("Notas")
    book.active.append(["Nombre", "Valor"])
    book.active.append(["a", 1])
    add("handmade-no-header", book,
        expect(tally=(0, 0, 0, 0, 0), file_problems=["no_header"],
               refused="apply_file_problems", sheets={"Notas": "no_header"}),
        ("xlsx", "ods"))  # fmt: skip

    # An empty workbook.
    add("empty-workbook", new_book(), expect(rejected="no_data"), ("xlsx", "ods"))

    # Two identical data rows one under the other (LibreOffice writes them as one repeated
    # row in .ods) and a separate block further down.
    book = new_book("Hoja1")
    sheet = book.active
    sheet.append(["Código", "Estado", "Narrativa"])
    sheet.append(["GTM-JOB-04", 3, "igual"])
    sheet.append(["GTM-JOB-04", 3, "igual"])
    sheet.cell(1500, 1).value = "GTM-JOB-05"
    sheet.cell(1500, 2).value = 2
    sheet.cell(1500, 3).value = "lejos"
    add("handmade-repeated-rows", book,
        expect(tally=(3, 2, 0, 0, 1), ignored=[("Hoja1", 3, "duplicate_same")],
               written={"GTM-JOB-04": 3, "GTM-JOB-05": 2}),
        ALL)  # fmt: skip

    # A chart sheet beside the data.
    from openpyxl.chart import BarChart, Reference

    book = new_book("Datos")
    sheet = book.active
    sheet.append(["Código", "Estado", "Narrativa"])
    sheet.append(["GTM-JOB-06", 2, "mecanismo"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    book.create_chartsheet("Gráfico").add_chart(chart)
    add("handmade-with-chart-sheet", book,
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-JOB-06": 2},
               sheets={"Datos": "data", "Gráfico": "chart"}))  # fmt: skip

    # CSV as Excel in Spanish saves it (semicolons, Windows-1252) and as UTF-8 with commas.
    text = "Código;Estado;Narrativa\r\nGTM-JOB-07;2;Estadísticas mejoradas\r\n"
    add("handmade-excel-es.csv", text.encode("cp1252"),
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-JOB-07": 2}))  # fmt: skip
    text = '\ufeffCode,New status,Narrative\nGTM-JOB-08,4,"Campaign, second round"\n'
    add("handmade-utf8.csv", text.encode("utf-8"),
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-JOB-08": 4}))  # fmt: skip


def hostile_cases():
    """Damaged, disguised, hostile and oversized files: a clear refusal, fast."""
    import openpyxl

    template = download_matrix()
    buffer = io.BytesIO()
    template.save(buffer)
    good = buffer.getvalue()
    add("truncated.xlsx", good[: len(good) // 2], expect(rejected="damaged_zip"))
    broken = bytearray(good)
    end = broken.rfind(b"PK\x05\x06")
    broken[end + 16 : end + 20] = b"\xff\xff\xff\x7f"  # central directory offset past the end
    add("damaged-zip.xlsx", bytes(broken), expect(rejected="damaged_zip"))
    add("old-excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048,
        expect(rejected="legacy_xls"))  # fmt: skip
    add("password.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode(
        "utf-16-le") + b"\x00" * 2048, expect(rejected="encrypted"))  # fmt: skip
    add("web-page.xls", b"<html><body><table><tr><td>GTM-PRO-01</td></tr></table></body></html>",
        expect(rejected="web_page"))  # fmt: skip
    add("binary-junk.xlsx", bytes(range(256)) * 8, expect(rejected="not_spreadsheet"))
    add("empty-file.xlsx", b"", expect(rejected="empty"))
    add("not-a-spreadsheet.zip", _zip({"readme.txt": b"hola"}),
        expect(rejected="not_spreadsheet_kind"))  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    add("macros.xlsx", _zip({**parts, "xl/vbaProject.bin": b"\x00" * 64}),
        expect(rejected="macros"))  # fmt: skip
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        b't="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    add("entities.xlsx", _zip({**parts, "xl/worksheets/sheet1.xml": evil}),
        expect(rejected="unsafe_xml"))  # fmt: skip
    # The issue's 140 sheets, each of 100 rows: refused by the sheet count before any is read.
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number in range(140):
        sheet = book.create_sheet(f"Hoja{number + 1}")
        for _row in range(100):
            sheet.append(["GTM-PRO-01", 1, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    add("140-sheets.xlsx", buffer.getvalue(), expect(rejected="too_many_sheets"))
    add("140-sheets.ods", _ods_sheets(140, 50), expect(rejected="too_many_sheets"))
    # A million rows with data (streamed into the archive; rows without numbers).
    add("million-rows.xlsx", _xlsx_rows(b"<row><c><v>1</v></c></row>", 1_000_000),
        expect(rejected="too_many_rows"))  # fmt: skip
    # A million empty formatted rows, then one with data: too much to read.
    add("million-empty-rows.xlsx", _xlsx_rows(b'<row s="1" customFormat="1"/>', 1_000_000,
        tail=b'<row><c t="inlineStr"><is><t>GTM-PRO-01</t></is></c></row>'),
        expect(rejected="too_much_content"))  # fmt: skip
    # In .ods, a million identical rows with data are one element: refused before expanding.
    add("million-repeated-rows.ods", _ods_repeated(1_000_000), expect(rejected="too_many_rows"))


def issue19_cases():
    """Issue 19: the files that stalled or broke a server, or were read wrong without a word
    (``make_corpus.py --only i19`` rebuilds these alone)."""
    from commitments.models import Commitment
    from tests.spreadsheets import hostile_files as hostile

    # The quadratic preview: 11,990 rows cycling over 27 codes, each with its own values. One
    # problem per commitment, at its first row (rows 2 to 28), every row counted.
    codes = list(
        Commitment.objects.filter(country__iso3="GTM").order_by("code")
        .values_list("code", flat=True)[: hostile.CODES]
    )  # fmt: skip
    add("i19-cycling-11990-rows.csv", hostile.cycling_csv(codes),
        expect(tally=(hostile.ROWS, 0, 0, hostile.ROWS, 0),
               problems=[("CSV", 2 + i, "A", "duplicate_rows") for i in range(hostile.CODES)],
               refused="apply_has_problems", valid_rows={}))  # fmt: skip
    # The 98 KB files: a header, then 95 MB in one comment, attribute value or instruction
    # (refused from the archive's directory), and the same with 20 MB (under the byte budget:
    # refused once the parser has been given 1 MB without reporting anything).
    for megabytes, code, size in ((95, "expands_too_much", "huge"),
                                  (20, "xml_token_too_long", "long")):  # fmt: skip
        add(f"i19-{size}-comment.xlsx", hostile.huge_comment_xlsx(megabytes),
            expect(rejected=code))  # fmt: skip
        add(f"i19-{size}-attribute.xlsx", hostile.huge_attribute_xlsx(megabytes),
            expect(rejected=code))  # fmt: skip
        add(f"i19-{size}-instruction.xlsx", hostile.huge_instruction_xlsx(megabytes),
            expect(rejected=code))  # fmt: skip
        add(f"i19-{size}-comment.ods", hostile.huge_comment_ods(megabytes),
            expect(rejected=code))  # fmt: skip
    # A NUL byte after the first 64 KB of a CSV.
    add("i19-nul-after-64k.csv", hostile.nul_after_64k_csv(), expect(rejected="nul_in_text"))
    # A version cell of 10^20 (an integer overflow on SQLite), in the matrix and in a CSV.
    book = download_matrix()
    row = fill(book["Matriz"], "GTM-PRO-01", 3, "avance", version=10**20)
    add("i19-version-huge", book,
        expect(tally=(GTM_ROWS + GTM_INDICATORS, 0, GTM_ROWS + GTM_INDICATORS - 1, 1, 0),
               problems=[("Matriz", row, "K", "version_unreadable")],
               refused="apply_has_problems", valid_rows={}),
        ALL)  # fmt: skip
    add("i19-version-huge.csv",
        b"Code,New status,Narrative,Version\r\nGTM-PRO-01,3,ok,100000000000000000000\r\n",
        expect(tally=(1, 0, 0, 1, 0), problems=[("CSV", 2, "D", "version_unreadable")],
               refused="apply_has_problems"))  # fmt: skip
    # A second sheet headed for 2023 in the 2024 matrix, uploaded to 2024: a file problem.
    book = download_matrix(period="2024")
    sheet = book["Matriz"]
    fill(sheet, "GTM-PRO-01", 3, "avance de 2024")
    sheet.delete_rows(row_of(sheet, "GTM-JOB-01"))
    other = book.create_sheet("Estado 2023", 1)
    other.append(["Código", "Nuevo estado (2023)", "Narrativa"])
    other.append(["GTM-JOB-01", 2, "avance de 2023"])
    add("i19-second-sheet-2023", book,
        expect(period="2024", tally=(GTM_ROWS + GTM_INDICATORS, 2, GTM_ROWS + GTM_INDICATORS - 2,
                                     0, 0),
               file_problems=["sheet_wrong_period"], refused="apply_file_problems",
               valid_rows={},
               sheets={"Matriz": "data", "Estado 2023": "data", "Indicadores": "indicators",
                       "Instrucciones": "instructions", "_mirps": "meta"}),
        ALL)  # fmt: skip
    # Statuses that contradict themselves, beside consistent ones.
    book = download_matrix()
    sheet = book["Matriz"]
    contradicting = {
        code: fill(sheet, code, status, "avance")
        for code, status in (("GTM-PRO-01", "4 (20%)"), ("GTM-PRO-02", "2 - completado"),
                             ("GTM-PRO-03", "1/2"))
    }  # fmt: skip
    consistent = {"GTM-PRO-04": ("4 - 80%", 4), "GTM-PRO-05": ("80%", 4),
                  "GTM-PRO-07": ("completado", 5), "GTM-PRO-08": ("4 (80%)", 4)}  # fmt: skip
    for code, (status, _level) in consistent.items():
        fill(sheet, code, status, "avance")
    levels = {code: level for code, (_status, level) in consistent.items()}
    rows = GTM_ROWS + GTM_INDICATORS
    add("i19-statuses-contradict", book,
        expect(tally=(rows, 4, rows - 7, 3, 0),
               problems=[("Matriz", r, "G", "status_contradicts")
                         for r in contradicting.values()],
               refused="apply_has_problems", valid_rows=levels),
        ALL)  # fmt: skip
    # CSV: a title line above a semicolon header (Excel's "CSV UTF-8", with its mark).
    text = ("\ufeffInforme de avance de Guatemala, 2025\r\n"
            "Código;Estado nuevo;Narrativa\r\n"
            "GTM-JOB-06;3;Capacitación, segunda fase\r\n")  # fmt: skip
    add("i19-title-then-semicolons.csv", text.encode("utf-8"),
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-JOB-06": 3}))  # fmt: skip
    # One Latin-1 line in a UTF-8 file: read as Windows-1252 (and named), never mojibake.
    data = (
        "Código,Estado nuevo,Narrativa\r\n".encode()
        + "GTM-EDU-01,2,Educación básica\r\n".encode()
        + "GTM-EDU-02,3,Educación técnica\r\n".encode("latin-1")
    )
    add("i19-mixed-encoding.csv", data,
        expect(tally=(2, 2, 0, 0, 0), written={"GTM-EDU-01": 2, "GTM-EDU-02": 3}))  # fmt: skip
    # Excel's "Unicode text": UTF-16 little-endian with its mark, tab-separated.
    text = "Código\tNuevo estado\tNarrativa\r\nGTM-HEA-01\t4\tSalud, clínicas móviles\r\n"
    add("i19-unicode-text.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        expect(tally=(1, 1, 0, 0, 0), written={"GTM-HEA-01": 4}))  # fmt: skip
    # Not spreadsheets: the matrix printed to PDF by LibreOffice (``convert_documents``); a
    # Word and a Writer document, an image and a zip of photos, written byte by byte (the
    # machine's LibreOffice has Calc only).
    book = download_matrix()
    buffer = io.BytesIO()
    book.save(buffer)
    DOCUMENTS["i19-matrix-printed.pdf"] = (buffer.getvalue(), "xlsx", "pdf")
    CASES["i19-matrix-printed.pdf"] = expect(rejected="not_spreadsheet_kind")
    add("i19-report-letter.docx", _docx("Informe de avance. GTM-PRO-01: estado 3."),
        expect(rejected="not_spreadsheet_kind"))  # fmt: skip
    add("i19-report-letter.odt", _odt("Informe de avance. GTM-PRO-01: estado 3."),
        expect(rejected="not_spreadsheet_kind"))  # fmt: skip
    add("i19-chart.png", _png(), expect(rejected="not_spreadsheet_kind"))
    add("i19-photos.zip", _zip({"fotos/taller.png": _png(), "fotos/lista.txt": b"taller"}),
        expect(rejected="not_spreadsheet_kind"))  # fmt: skip
    # A UTF-16 CSV saved by LibreOffice (Text CSV, "Unicode", tab-separated).
    book = new_book("Hoja1")
    book.active.append(["Código", "Nuevo estado", "Narrativa"])
    book.active.append(["GTM-JOB-05", 2, "Atención en salud, fase uno"])
    buffer = io.BytesIO()
    book.save(buffer)
    DOCUMENTS["i19-libreoffice-utf16.csv"] = (
        buffer.getvalue(), "xlsx", "csv:Text - txt - csv (StarCalc):9,34,65535",
    )  # fmt: skip
    CASES["i19-libreoffice-utf16.csv"] = expect(tally=(1, 1, 0, 0, 0),
                                                written={"GTM-JOB-05": 2})  # fmt: skip


def _docx(text: str) -> bytes:
    """A minimal Word document (.docx): the parts Word needs to open it."""
    return _zip({
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            b'.org/package/2006/content-types"><Default Extension="rels" ContentType="'
            b'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
            b'"xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            b'document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            b'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>"
        ).encode(),
    })  # fmt: skip


def _odt(text: str) -> bytes:
    """A minimal Writer document (.odt)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr(
            "content.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
                '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:'
                'names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>'
                f"{text}</text:p></office:text></office:body></office:document-content>"
            ).encode(),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def _png(width: int = 8, height: int = 8) -> bytes:
    """A small grey PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


DOCUMENTS: dict[str, tuple[bytes, str, str]] = {}  # name -> (source, its extension, filter)


def convert_documents(tmp: Path) -> None:
    """Have LibreOffice write the ``DOCUMENTS``: each source converted with its filter."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = f"-env:UserInstallation=file://{tmp}/profile"
    for number, (name, (source, extension, target)) in enumerate(DOCUMENTS.items()):
        folder = tmp / f"document-{number}"
        folder.mkdir()
        path = folder / f"source.{extension}"
        path.write_bytes(source)
        subprocess.run(
            [soffice, profile, "--headless", "--convert-to", target, "--outdir", str(folder),
             str(path)],
            check=True, capture_output=True,
        )  # fmt: skip
        made = [p for p in folder.iterdir() if p.name != path.name]
        assert len(made) == 1, (name, made)
        shutil.copy(made[0], OUT / name)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_rows(row: bytes, count: int, tail: bytes = b"") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {n: source.read(n) for n in source.namelist() if "sheet1.xml" not in n}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            block = row * 10_000
            for _i in range(count // 10_000):
                sheet.write(block)
            sheet.write(tail + b"</sheetData></worksheet>")
    return out.getvalue()


ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b"<office:body><office:spreadsheet>"
)
ODS_TAIL = b"</office:spreadsheet></office:body></office:document-content>"
ODS_ROW = (
    b'<table:table-row><table:table-cell office:value-type="string"><text:p>GTM-PRO-01</text:p>'
    b'</table:table-cell><table:table-cell office:value-type="float" office:value="1">'
    b"<text:p>1</text:p></table:table-cell></table:table-row>"
)


def _ods(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_sheets(sheets: int, rows: int) -> bytes:
    table = b"".join(
        b'<table:table table:name="H%d">' % n + ODS_ROW * rows + b"</table:table>"
        for n in range(sheets)
    )
    return _ods(ODS_HEAD + table + ODS_TAIL)


def _ods_repeated(count: int) -> bytes:
    row = ODS_ROW.replace(
        b"<table:table-row>", b'<table:table-row table:number-rows-repeated="%d">' % count
    )
    return _ods(ODS_HEAD + b'<table:table table:name="Hoja1">' + row + b"</table:table>"
                + ODS_TAIL)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Writing


def convert(tmp: Path) -> None:
    """Save every source with LibreOffice as .ods, then that .ods as .xlsx."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is needed: apt-get install libreoffice-calc-nogui")
    profile = f"-env:UserInstallation=file://{tmp}/profile"
    sources = tmp / "source"
    ods, xlsx = tmp / "ods", tmp / "xlsx"
    for directory in (sources, ods, xlsx):
        directory.mkdir()
    for name in TO_CONVERT:
        (sources / f"{name}.xlsx").write_bytes(BUILT[f"_source/{name}.xlsx"])
    run = [soffice, profile, "--headless", "--convert-to"]
    subprocess.run(
        run + ["ods", "--outdir", str(ods)] + sorted(str(p) for p in sources.iterdir()),
        check=True,
        capture_output=True,
    )
    wanted = [ods / f"{n}.ods" for n, v in TO_CONVERT.items() if "lo.xlsx" in v]
    subprocess.run(
        run + ["xlsx:Calc MS Excel 2007 XML", "--outdir", str(xlsx)] + [str(p) for p in wanted],
        check=True,
        capture_output=True,
    )
    for name, variants in TO_CONVERT.items():
        if "ods" in variants:
            shutil.copy(ods / f"{name}.ods", OUT / f"{name}.ods")
        if "lo.xlsx" in variants:
            shutil.copy(xlsx / f"{name}.xlsx", OUT / f"{name}.lo.xlsx")


def main() -> None:
    """Every case (``--only indicators`` or ``--only i19``: only the indicators sheet's cases,
    or issue 19's, added to the files and the table already there)."""
    only = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--only" else None
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from commitments.services import load_plans
    from tests.spreadsheets.corpus import make_users, set_up

    # a throwaway in-memory database, so the files do not depend on local data
    connection.settings_dict["NAME"] = ":memory:"
    call_command("migrate", verbosity=0)
    load_plans()
    from indicators.loading import load_indicators

    load_indicators()
    users = make_users()
    groups = {"indicators": ("ind-", indicator_cases), "i19": ("i19-", issue19_cases)}
    if only in groups:
        prefix, build = groups[only]
        build()
        previous = json.loads((OUT / "expected.json").read_text(encoding="utf-8"))
        previous = {k: v for k, v in previous.items() if not k.startswith(prefix)}
        for name in [n for n in OUT.iterdir() if n.name.startswith(prefix)]:
            name.unlink()
    else:
        matrix_cases()
        handmade_cases()
        hostile_cases()
        indicator_cases()
        issue19_cases()
        set_up("history", users)
        history_cases()
        previous = {}
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir()
    for name, data in BUILT.items():
        if not name.startswith("_source/"):
            (OUT / name).write_bytes(data)
    with tempfile.TemporaryDirectory() as tmp:
        convert(Path(tmp))
        convert_documents(Path(tmp))
    missing = [name for name in CASES if not (OUT / name).exists()]
    assert not missing, missing
    (OUT / "expected.json").write_text(
        json.dumps(dict(sorted({**previous, **CASES}.items())), indent=1, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    sizes = sum((OUT / n).stat().st_size for n in CASES)
    print(f"{len(CASES)} files, {sizes / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
