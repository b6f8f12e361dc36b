"""Writing tables as CSV and .xlsx, safely: shared by every export (commitments and reports).

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, or a
tab or carriage return) is neutralised with a leading apostrophe, so an exported file can never
run a formula (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class Table(NamedTuple):
    """A table to export: a sheet of an .xlsx, or a CSV file (the exports of every app)."""

    title: str
    header: list[str]
    rows: list[list]

    def with_column(self, heading: str, value) -> Table:
        """The table with one more column, ``value`` on every row (e.g. the demo-data note)."""
        return Table(self.title, [*self.header, heading], [[*row, value] for row in self.rows])


def safe(value):
    """The value, with text that could start a formula made inert."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV with a UTF-8 byte-order mark so Excel opens accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_to_xlsx(sheets: Sequence[Table]) -> bytes:
    """An .xlsx with one sheet per ``Table``: bold frozen header, sensible widths."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in header]
        for row in rows:
            values = [safe(v) for v in row]
            sheet.append(values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], min(60, len(str(value or ""))))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(8, width + 2)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
