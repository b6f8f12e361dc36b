"""Reading uploaded spreadsheets without trusting them.

Before any parser sees a file, ``inspect`` checks what it really is from its bytes (never the
browser's content type or the file name): size, a ZIP archive, the number of entries, their
uncompressed size and compression ratio (decompression bombs), and a macro part (.xlsm).
Legacy .xls and password-protected files (both OLE compound files) are refused with a clear
message. .xlsx is read by openpyxl in read-only mode (with defusedxml installed, openpyxl
refuses XML entity attacks); LibreOffice's .ods by a streaming, defused XML parser. Both stop at
explicit row and column limits.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # data rows in all sheets together
MAX_COLUMNS = 60
MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 150 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed for any large entry
EMPTY_ROWS_END_SHEET = 1000  # that many empty rows in a row end a sheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class Rejected(Exception):
    """The file cannot be read safely or is not a spreadsheet; the message says why."""


class Formula(str):
    """A cell holding a formula (its text), reported rather than evaluated."""


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, values)
    merged: list[str] = field(default_factory=list)  # ranges such as "A5:C5"
    hidden: bool = False


def inspect(data: bytes) -> str:
    """What the bytes are: ``"xlsx"`` or ``"ods"``; ``Rejected`` with the reason otherwise."""
    if not data:
        raise Rejected(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Rejected(
            _("The file is larger than %(mb)d MB. Split it by country or remove images.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(OLE_MAGIC):
        raise Rejected(
            _(
                "This is an old Excel file (.xls) or a password-protected file. Save it as "
                "an Excel workbook (.xlsx) without a password and upload it again."
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        head = data[:2048]
        if b"," in head or b";" in head or b"\t" in head:
            raise Rejected(
                _(
                    "This looks like a CSV or text file, not a spreadsheet. Open it in Excel or "
                    "LibreOffice and save it as .xlsx or .ods."
                )
            )
        raise Rejected(_("This file is not a spreadsheet (.xlsx or .ods)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Rejected(_("The file is damaged and cannot be opened.")) from exc
    if len(entries) > MAX_ENTRIES:
        raise Rejected(_("The file has too many parts to be a monitoring matrix."))
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED:
        raise Rejected(
            _("The file expands to more than %(mb)d MB; it is refused for safety.")
            % {"mb": MAX_UNCOMPRESSED // (1024 * 1024)}
        )
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise Rejected(
                _("The file is compressed suspiciously much (a possible decompression bomb).")
            )
        if entry.flag_bits & 0x1:
            raise Rejected(_("The file is encrypted. Remove the password and upload it again."))
    names = {e.filename for e in entries}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Rejected(
            _("The file contains macros (.xlsm). Save it as a plain .xlsx workbook and upload it.")
        )
    if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIME:
        return "ods"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types:
            raise Rejected(
                _(
                    "The file contains macros (.xlsm). Save it as a plain .xlsx workbook and "
                    "upload it."
                )
            )
        return "xlsx"
    raise Rejected(_("This file is not a spreadsheet (.xlsx or .ods)."))


def read(data: bytes) -> list[Sheet]:
    """The sheets of an uploaded file, after ``inspect``; ``Rejected`` if unreadable."""
    kind = inspect(data)
    try:
        sheets = read_ods(data) if kind == "ods" else read_xlsx(data)
    except Rejected:
        raise
    except Exception as exc:  # a broken file must give a clear message, never a 500
        raise Rejected(_("The spreadsheet could not be read: it may be damaged.")) from exc
    if not any(sheet.rows for sheet in sheets):
        raise Rejected(_("The spreadsheet has no data."))
    return sheets


class _RowBudget:
    def __init__(self):
        self.used = 0

    def take(self):
        self.used += 1
        if self.used > MAX_ROWS:
            raise Rejected(
                _("The file has more than %(n)s rows with data; split it and upload the parts.")
                % {"n": f"{MAX_ROWS:,}"}
            )


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(data: bytes) -> dict[str, list[str]]:
    """Merged ranges per worksheet part (read-only openpyxl does not expose them)."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 16):
                        block = tail + chunk
                        found.setdefault(name, []).extend(m.decode() for m in _MERGE.findall(block))
                        tail = block[-200:]
                found[name] = sorted(set(found.get(name, [])))
    return found


def read_xlsx(data: bytes) -> list[Sheet]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    merged = _merged_ranges(data)
    budget = _RowBudget()
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            sheet = Sheet(name=worksheet.title, hidden=worksheet.sheet_state != "visible")
            path = getattr(worksheet, "_worksheet_path", "") or ""
            sheet.merged = merged.get(path.lstrip("/"), [])
            empty_run = 0
            # iter_rows yields every row from the first, empty ones included: count them.
            # read only as many columns as the sheet uses (its recorded width), at most the limit
            width = min(worksheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
            for number, row in enumerate(worksheet.iter_rows(max_col=width), start=1):
                values = [_xlsx_value(cell) for cell in row]
                if all(_is_empty(v) for v in values):
                    empty_run += 1
                    if empty_run >= EMPTY_ROWS_END_SHEET:
                        break
                    continue
                empty_run = 0
                budget.take()
                sheet.rows.append((number, values))
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    if isinstance(value, int | float) and "%" in (getattr(cell, "number_format", "") or ""):
        return f"{value * 100:g}%"
    return value


NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
T = "{" + NS["table"] + "}"
O = "{" + NS["office"] + "}"  # noqa: E741
X = "{" + NS["text"] + "}"


def read_ods(data: bytes) -> list[Sheet]:
    """Stream content.xml: rows and cells, repeated rows/columns, formulas, merged cells."""
    budget = _RowBudget()
    sheets: list[Sheet] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
        sheet: Sheet | None = None
        row_number = 0
        empty_run = 0
        for event, element in SafeET.iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start" and tag == T + "table":
                sheet = Sheet(name=element.get(T + "name", f"Sheet{len(sheets) + 1}"))
                sheets.append(sheet)
                row_number = 0
                empty_run = 0
            elif event == "end" and tag == T + "table-row" and sheet is not None:
                repeat = int(element.get(T + "number-rows-repeated", "1") or 1)
                values, spans = _ods_row(element, row_number + 1)
                if all(_is_empty(v) for v in values):
                    row_number += repeat
                    empty_run += repeat
                else:
                    for _i in range(min(repeat, MAX_ROWS + 1)):
                        row_number += 1
                        budget.take()
                        sheet.rows.append((row_number, list(values)))
                    empty_run = 0
                sheet.merged.extend(spans)
                element.clear()
                if empty_run >= EMPTY_ROWS_END_SHEET:
                    sheet = None  # the rest of this sheet is empty formatting
    return sheets


def _ods_row(row, number: int) -> tuple[list, list[str]]:
    values: list = []
    spans: list[str] = []
    for cell in row:
        if cell.tag not in (T + "table-cell", T + "covered-table-cell"):
            continue
        repeat = int(cell.get(T + "number-columns-repeated", "1") or 1)
        value = _ods_value(cell)
        column = len(values) + 1
        across = int(cell.get(T + "number-columns-spanned", "1") or 1)
        down = int(cell.get(T + "number-rows-spanned", "1") or 1)
        if across > 1 or down > 1:
            spans.append(
                f"{get_column_letter(column)}{number}:"
                f"{get_column_letter(column + across - 1)}{number + down - 1}"
            )
        if _is_empty(value):
            if len(values) + repeat > MAX_COLUMNS:
                break
            values.extend([None] * repeat)
        else:
            values.extend([value] * min(repeat, MAX_COLUMNS))
        if len(values) >= MAX_COLUMNS:
            break
    while values and _is_empty(values[-1]):
        values.pop()
    return values[:MAX_COLUMNS], spans


def _ods_value(cell):
    formula = cell.get(T + "formula")
    kind = cell.get(O + "value-type")
    text = "\n".join("".join(p.itertext()) for p in cell.iter(X + "p"))
    if formula:
        return Formula(formula)
    if kind in ("float", "currency"):
        number = float(cell.get(O + "value"))
        return int(number) if number.is_integer() else number
    if kind == "percentage":
        return f"{float(cell.get(O + 'value')) * 100:g}%"
    if kind == "date":
        raw = cell.get(O + "date-value", "")
        try:
            return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        except ValueError:
            return text
    if kind == "boolean":
        return cell.get(O + "boolean-value") == "true"
    return text or None
