"""Reading uploaded spreadsheets without trusting them, at a bounded cost.

``inspect`` decides what a file is from its bytes (never the browser's content type or the file
name): an .xlsx or .ods archive (checked for its size, number of parts, expanded size, macros,
encryption), a CSV/text file, or something refused with a message that says what it is (an old
.xls, a password-protected file, a damaged or truncated archive, a web page).

``read`` then streams the file with expat, straight from the archive, keeping only the cells
that hold something. Every sheet is returned (hidden ones marked, never silently skipped), with
its hidden rows and columns marked, every row at its real row number however many empty rows
come before it (in .xlsx the row numbers are in the file; in .ods a block of identical rows is
one element, expanded arithmetically). No row ends a sheet early.

Cost is bounded by one :class:`Budget` per upload, charged while streaming and checked at every
element: the number of sheets, of XML elements parsed, of cells examined, of rows with data and
of characters of text. A file over any limit is refused where it crosses it, so no file can hold
a worker for more than a few seconds (see ``docs/spreadsheet-corpus.md`` for the figures).

XML safety: the parsers refuse any document type declaration (spreadsheets never have one), so
entity expansion ("billion laughs") and external entities cannot happen.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.utils import get_column_letter

from .messages import render

MAX_BYTES = 5 * 1024 * 1024
MAX_SHEETS = 30  # sheets in a workbook (the matrix has three)
# The region's matrix has 229 rows; the limits leave room for fifty times that (a 10,000-row
# upload is benchmarked in docs/benchmarks.md) and refuse anything bigger within a second or two.
MAX_ROWS = 12_000  # rows with data, all sheets together
MAX_CELLS = 200_000  # cells examined (empty formatted ones included), all sheets together
MAX_ELEMENTS = 600_000  # XML elements parsed, every part together
MAX_TEXT = 20_000_000  # characters of text (shared strings, cells, everything parsed)
MAX_COLUMNS = 100  # columns read per row; a cell further right is reported
MAX_ENTRIES = 500  # parts in the archive
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # declared expanded size of the archive

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
CHUNK = 1 << 16


class Rejected(Exception):
    """The file cannot be read safely or is not a spreadsheet: ``code`` and ``params`` say why
    (rendered in the reader's language by ``messages.render``)."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        return render(self.code, self.params)


class Formula(str):
    """A cell holding a formula (its text), reported rather than evaluated."""


@dataclass
class Row:
    number: int  # the row number the spreadsheet shows
    values: list  # by column, from column A; None for an empty cell
    hidden: bool = False
    cut: bool = False  # it has data right of the last column read (see ``Sheet.cut_column``)


@dataclass
class Sheet:
    name: str
    rows: list[Row] = field(default_factory=list)  # rows with data only
    merged: list[str] = field(default_factory=list)  # ranges such as "A5:C5"
    hidden: bool = False
    kind: str = "worksheet"  # or "chart"
    hidden_columns: set[int] = field(default_factory=set)  # 1-based
    cut_column: int | None = None  # first column with data that was not read


@dataclass
class Budget:
    """What is left to spend on one upload; every reader charges it as it streams."""

    # read when a budget is made, so that a test may lower a limit
    sheets: int = field(default_factory=lambda: MAX_SHEETS)
    elements: int = field(default_factory=lambda: MAX_ELEMENTS)
    cells: int = field(default_factory=lambda: MAX_CELLS)
    rows: int = field(default_factory=lambda: MAX_ROWS)
    text: int = field(default_factory=lambda: MAX_TEXT)
    where: tuple[str, int] = ("", 0)  # the sheet and row being read, for the message
    part: str = ""  # the part of the archive being read

    def sheet(self, count: int = 1) -> None:
        self.sheets -= count
        if self.sheets < 0:
            raise Rejected("too_many_sheets", n=MAX_SHEETS - self.sheets, max=MAX_SHEETS)

    def element(self) -> None:
        self.elements -= 1
        if self.elements < 0:
            raise Rejected("too_much_content", sheet=self.where[0], row=self.where[1])

    def cell(self, count: int = 1) -> None:
        self.cells -= count
        if self.cells < 0:
            raise Rejected("too_many_cells", max=MAX_CELLS, sheet=self.where[0], row=self.where[1])

    def row(self, count: int = 1) -> None:
        self.rows -= count
        if self.rows < 0:
            raise Rejected("too_many_rows", max=MAX_ROWS, sheet=self.where[0], row=self.where[1])

    def characters(self, count: int) -> None:
        self.text -= count
        if self.text < 0:
            raise Rejected("too_much_text", max=MAX_TEXT, sheet=self.where[0])


# --------------------------------------------------------------------------------------------
# What the bytes are


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    return controls == 0


def inspect(data: bytes) -> str:
    """What the bytes are: ``"xlsx"``, ``"ods"`` or ``"csv"``; ``Rejected`` otherwise."""
    if not data:
        raise Rejected("empty")
    if len(data) > MAX_BYTES:
        raise Rejected("too_large", mb=MAX_BYTES // (1024 * 1024))
    if data.startswith(OLE_MAGIC):
        if b"EncryptedPackage" in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise Rejected("encrypted")
        raise Rejected("legacy_xls")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")) or zipfile.is_zipfile(io.BytesIO(data)):
        return _inspect_archive(data)
    head = data[:65536]
    if _looks_like_text(head):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith((b"<", b"{")):
            raise Rejected("web_page")
        return "csv"
    raise Rejected("not_spreadsheet")


def _inspect_archive(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejected("damaged_zip") from exc
    if len(entries) > MAX_ENTRIES:
        raise Rejected("too_many_parts", n=len(entries), max=MAX_ENTRIES)
    if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
        raise Rejected("expands_too_much", mb=MAX_UNCOMPRESSED // (1024 * 1024))
    names = {e.filename for e in entries}
    if any(e.flag_bits & 0x1 for e in entries):
        raise Rejected("encrypted")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Rejected("macros")
    try:
        if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIME:
            if "content.xml" not in names:
                raise Rejected("damaged_zip")
            manifest = (
                archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            )
            if b"encryption-data" in manifest:
                raise Rejected("encrypted")
            return "ods"
        if "[Content_Types].xml" in names:
            if "xl/workbook.bin" in names:
                raise Rejected("binary_workbook")
            if "xl/workbook.xml" in names:
                if b"macroEnabled" in archive.read("[Content_Types].xml"):
                    raise Rejected("macros")
                return "xlsx"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Rejected("damaged_zip") from exc
    raise Rejected("not_spreadsheet")


def read(data: bytes, budget: Budget | None = None) -> list[Sheet]:
    """Every sheet of an uploaded file, after ``inspect``; ``Rejected`` if unreadable."""
    kind = inspect(data)
    budget = budget or Budget()
    try:
        if kind == "csv":
            sheets = read_csv(data, budget)
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                sheets = read_ods(archive, budget) if kind == "ods" else read_xlsx(archive, budget)
    except Rejected:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise Rejected("damaged_zip") from exc
    except (expat.ExpatError, KeyError, ValueError, IndexError, OverflowError) as exc:
        # a broken part must give a clear message, never a 500
        raise Rejected("unreadable", part=budget.part or "?") from exc
    if not any(sheet.rows for sheet in sheets):
        raise Rejected("no_data")
    return sheets


# --------------------------------------------------------------------------------------------
# Streaming XML with expat


class _Dispatch(dict):
    """Handlers by an element's full name (``uri}local``), found by its local name once."""

    def __init__(self, handlers: dict):
        super().__init__()
        self.handlers = handlers

    def __missing__(self, name):
        handler = self[name] = self.handlers.get(name[name.rfind("}") + 1 :])
        return handler


def _stream(archive: zipfile.ZipFile, part: str, budget: Budget, starts, ends=None, text=None):
    """Parse one part of the archive with expat. ``starts``/``ends`` map an element's local
    name to ``handler(attrs)``/``handler()``; ``text(data)`` gets character data. Every element
    and character is charged to ``budget``. This is the hot loop: one dictionary look-up per
    element and nothing more unless the element matters. Attribute names keep their namespace
    (``uri}local``)."""
    budget.part = part
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    start_of, end_of = _Dispatch(starts), _Dispatch(ends or {})

    def refuse(*_args):
        raise Rejected("unsafe_xml")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse

    def on_start(name, attrs):
        budget.elements -= 1
        if budget.elements < 0:
            budget.element()
        handler = start_of[name]
        if handler is not None:
            handler(attrs)

    def on_end(name):
        handler = end_of[name]
        if handler is not None:
            handler()

    def on_text(data):
        budget.text -= len(data)
        if budget.text < 0:
            budget.characters(0)
        if text is not None:
            text(data)

    parser.StartElementHandler = on_start
    if ends:
        parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


# --------------------------------------------------------------------------------------------
# .xlsx

MAIN_REL = "officeDocument/2006/relationships}id"
BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _format_kind(code: str) -> str | None:
    bare = _QUOTED.sub("", code or "")
    if "%" in bare:
        return "percent"
    if re.search(r"[dmyhs]", bare, re.IGNORECASE) and "general" not in bare.lower():
        return "date"
    return None


def _xlsx_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def read_xlsx(archive: zipfile.ZipFile, budget: Budget) -> list[Sheet]:
    names = set(archive.namelist())
    listed: list[tuple[str, str, str]] = []  # (name, state, relationship id)
    book = {"date1904": False}

    def on_sheet(attrs):
        rid = next((v for k, v in attrs.items() if k.endswith(MAIN_REL)), "")
        listed.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))

    def on_properties(attrs):
        book["date1904"] = attrs.get("date1904", "0") in ("1", "true")

    _stream(archive, "xl/workbook.xml", budget, {"sheet": on_sheet, "workbookPr": on_properties})
    # the sheet count is known before any sheet is read: refuse a workbook of 140 sheets now
    budget.sheet(len(listed))
    targets: dict[str, tuple[str, str]] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:

        def on_rel(attrs):
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            target = _xlsx_path("xl/workbook.xml", attrs.get("Target", ""))
            targets[attrs.get("Id", "")] = (target, kind)

        _stream(archive, rels, budget, {"Relationship": on_rel})
    strings = _shared_strings(archive, names, budget)
    formats = _cell_formats(archive, names, budget)
    sheets = []
    for number, (title, state, rid) in enumerate(listed, start=1):
        path, kind = targets.get(rid, (f"xl/worksheets/sheet{number}.xml", "worksheet"))
        sheet = Sheet(name=title or f"Sheet{number}", hidden=state != "visible")
        sheets.append(sheet)
        if kind != "worksheet":
            sheet.kind = "chart"
            continue
        if path not in names:
            budget.part = path
            raise KeyError(path)
        budget.where = (sheet.name, 0)
        _XlsxSheet(sheet, strings, formats, book["date1904"], budget).parse(archive, path)
    return sheets


def _shared_strings(archive, names, budget) -> list[str]:
    part = "xl/sharedStrings.xml"
    strings: list[str] = []
    if part not in names:
        return strings
    state = {"skip": 0, "t": False}
    parts: list[str] = []

    def start_t(_attrs):
        state["t"] = not state["skip"]

    def end_t():
        state["t"] = False

    def start_phonetic(_attrs):  # phonetic guide text: not part of the value
        state["skip"] += 1

    def end_phonetic():
        state["skip"] -= 1

    def end_si():
        strings.append("".join(parts))
        parts.clear()

    def text(data):
        if state["t"]:
            parts.append(data)

    _stream(
        archive,
        part,
        budget,
        {"t": start_t, "rPh": start_phonetic},
        {"t": end_t, "rPh": end_phonetic, "si": end_si},
        text,
    )
    return strings


def _cell_formats(archive, names, budget) -> list[str | None]:
    """Per cell style index: "date", "percent" or None."""
    part = "xl/styles.xml"
    if part not in names:
        return []
    custom: dict[int, str] = {}
    xfs: list[int] = []
    state = {"cellXfs": False}

    def on_format(attrs):
        try:
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        except ValueError:
            pass

    def on_xf(attrs):
        if state["cellXfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def cell_xfs(value):
        def handler(*_args):
            state["cellXfs"] = value

        return handler

    _stream(
        archive,
        part,
        budget,
        {"numFmt": on_format, "xf": on_xf, "cellXfs": cell_xfs(True)},
        {"cellXfs": cell_xfs(False)},
    )
    kinds: list[str | None] = []
    for number in xfs:
        if number in custom:
            kinds.append(_format_kind(custom[number]))
        elif number in BUILTIN_DATES:
            kinds.append("date")
        elif number in BUILTIN_PERCENT:
            kinds.append("percent")
        else:
            kinds.append(None)
    return kinds


def _column_number(ref: str) -> int:
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _excel_date(serial: float, date1904: bool):
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = base + dt.timedelta(days=serial)
    return moment.date() if moment.time() == dt.time(0) else moment


def _number(text: str):
    number = float(text)
    if number.is_integer() and abs(number) < 1e15:
        return int(number)
    return number


def _percent_text(number: float) -> str:
    return f"{number * 100:g}%"


class _XlsxSheet:
    """One worksheet part, streamed: rows (with data), hidden rows and columns, merges."""

    def __init__(self, sheet: Sheet, strings, formats, date1904, budget: Budget):
        self.sheet, self.strings, self.formats = sheet, strings, formats
        self.date1904, self.budget = date1904, budget
        self.row_number = 0
        self.row_hidden = False
        self.row_cut = False
        self.values: dict[int, object] = {}
        self.column = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.collect: list[str] | None = None
        self.value_text: list[str] = []
        self.inline_text: list[str] = []
        self.formula: list[str] | None = None
        self.in_inline = False
        self.skip = 0

    def parse(self, archive, path):
        _stream(
            archive,
            path,
            self.budget,
            {
                "c": self.start_cell,
                "v": self.start_value,
                "f": self.start_formula,
                "is": self.start_inline,
                "t": self.start_inline_text,
                "rPh": self.start_phonetic,
                "row": self.start_row,
                "col": self.start_column,
                "mergeCell": self.start_merge,
            },
            {
                "c": self.end_cell,
                "v": self.stop_collecting,
                "f": self.stop_collecting,
                "t": self.stop_collecting,
                "is": self.end_inline,
                "rPh": self.end_phonetic,
                "row": self.end_row,
            },
            self.text,
        )

    def start_cell(self, attrs):
        ref = attrs.get("r")
        self.column = _column_number(ref) if ref else self.column + 1
        self.cell_type = attrs.get("t", "n")
        style = attrs.get("s")
        self.cell_style = int(style) if style and style.isdigit() else 0
        self.value_text, self.inline_text, self.formula = [], [], None
        self.budget.cells -= 1
        if self.budget.cells < 0:
            self.budget.cell(0)

    def start_value(self, _attrs):
        self.collect = self.value_text

    def start_formula(self, _attrs):
        self.formula = []
        self.collect = self.formula

    def start_inline(self, _attrs):
        self.in_inline = True

    def end_inline(self):
        self.in_inline = False

    def start_inline_text(self, _attrs):
        if self.in_inline and not self.skip:
            self.collect = self.inline_text

    def start_phonetic(self, _attrs):
        self.skip += 1

    def end_phonetic(self):
        self.skip -= 1

    def stop_collecting(self):
        self.collect = None

    def start_row(self, attrs):
        ref = attrs.get("r")
        self.row_number = int(ref) if ref and ref.isdigit() else self.row_number + 1
        self.row_hidden = attrs.get("hidden", "0") in ("1", "true")
        self.row_cut = False
        self.values = {}
        self.column = 0
        self.budget.where = (self.sheet.name, self.row_number)

    def start_column(self, attrs):
        if attrs.get("hidden", "0") in ("1", "true"):
            low, high = _int(attrs.get("min")), _int(attrs.get("max"))
            self.sheet.hidden_columns.update(range(low, min(high, MAX_COLUMNS) + 1))

    def start_merge(self, attrs):
        ref = attrs.get("ref", "")
        if ":" in ref:
            self.sheet.merged.append(ref)

    def end_cell(self):
        value = self.value()
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if self.column > MAX_COLUMNS:
            if self.sheet.cut_column is None or self.column < self.sheet.cut_column:
                self.sheet.cut_column = self.column
            self.row_cut = True
        else:
            self.values[self.column] = value

    def end_row(self):
        if self.values or self.row_cut:
            self.budget.row()
            width = max(self.values, default=0)
            self.sheet.rows.append(
                Row(
                    self.row_number,
                    [self.values.get(i) for i in range(1, width + 1)],
                    self.row_hidden,
                    self.row_cut,
                )
            )

    def text(self, data):
        if self.collect is not None:
            self.collect.append(data)

    def value(self):
        if self.formula is not None:
            return Formula("=" + "".join(self.formula) if self.formula else "=…")
        kind = self.cell_type
        if kind == "inlineStr":
            return "".join(self.inline_text)
        raw = "".join(self.value_text)
        if raw == "":
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                return raw
        number = _number(raw)
        style = self.formats[self.cell_style] if self.cell_style < len(self.formats) else None
        if style == "percent":
            return _percent_text(number)
        if style == "date":
            try:
                return _excel_date(float(number), self.date1904)
            except (OverflowError, ValueError):
                return number
        return number


# --------------------------------------------------------------------------------------------
# .ods

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _int(value, default=1) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return default


class _OdsContent:
    """content.xml, streamed: tables, rows (repeated blocks expanded arithmetically), cells."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.sheets: list[Sheet] = []
        self.sheet: Sheet | None = None
        self.hidden_styles: set[str] = set()
        self.style_name: str | None = None
        self.row_number = 0
        self.row_repeat = 1
        self.row_hidden = False
        self.row_cut = False
        self.values: list = []
        self.column = 0  # columns consumed in the current row
        self.column_count = 0  # table-column definitions seen
        self.cell: dict | None = None
        self.paragraphs: list[list[str]] = []
        self.annotation = 0
        self.in_paragraph = False

    def handlers(self):
        starts = {
            "table-cell": self.start_cell,
            "covered-table-cell": self.start_cell,
            "p": self.start_paragraph,
            "s": self.start_spaces,
            "tab": self.start_tab,
            "line-break": self.start_line_break,
            "annotation": self.start_annotation,
            "table-row": self.start_row,
            "table-column": self.start_column,
            "table": self.start_table,
            "style": self.start_style,
            "table-properties": self.start_table_properties,
        }
        ends = {
            "table-cell": self.end_cell,
            "covered-table-cell": self.end_cell,
            "p": self.end_paragraph,
            "annotation": self.end_annotation,
            "table-row": self.end_row,
            "table": self.end_table,
        }
        return starts, ends

    def start_cell(self, attrs):
        self.budget.cells -= 1
        if self.budget.cells < 0:
            self.budget.cell(0)
        self.cell = attrs
        self.paragraphs = []

    def start_paragraph(self, _attrs):
        if self.cell is not None and not self.annotation:
            self.paragraphs.append([])
            self.in_paragraph = True

    def _add(self, text):
        if self.in_paragraph and not self.annotation:
            self.paragraphs[-1].append(text)

    def start_spaces(self, attrs):
        self._add(" " * min(_int(attrs.get(TEXT + "c")), 1000))

    def start_tab(self, _attrs):
        self._add("\t")

    def start_line_break(self, _attrs):
        self._add("\n")

    def start_annotation(self, _attrs):
        self.annotation += 1

    def end_annotation(self):
        self.annotation -= 1

    def end_paragraph(self):
        if not self.annotation:
            self.in_paragraph = False

    def start_row(self, attrs):
        self.row_repeat = _int(attrs.get(TABLE + "number-rows-repeated"))
        self.row_hidden = attrs.get(TABLE + "visibility", "visible") != "visible"
        self.row_cut = False
        self.values = []
        self.column = 0
        if self.sheet is not None:
            self.budget.where = (self.sheet.name, self.row_number + 1)

    def start_column(self, attrs):
        if self.sheet is None:
            return
        repeat = _int(attrs.get(TABLE + "number-columns-repeated"))
        if attrs.get(TABLE + "visibility", "visible") != "visible":
            first = self.column_count + 1
            last = min(self.column_count + repeat, MAX_COLUMNS)
            self.sheet.hidden_columns.update(range(first, last + 1))
        self.column_count += repeat

    def start_table(self, attrs):
        self.budget.sheet()
        self.sheet = Sheet(
            name=attrs.get(TABLE + "name", f"Sheet{len(self.sheets) + 1}"),
            hidden=attrs.get(TABLE + "style-name") in self.hidden_styles,
        )
        self.sheets.append(self.sheet)
        self.row_number = 0
        self.column_count = 0
        self.budget.where = (self.sheet.name, 0)

    def end_table(self):
        self.sheet = None

    def start_style(self, attrs):
        family = attrs.get(STYLE + "family")
        self.style_name = attrs.get(STYLE + "name") if family == "table" else None

    def start_table_properties(self, attrs):
        if self.style_name and attrs.get(TABLE + "display") == "false":
            self.hidden_styles.add(self.style_name)

    def text(self, data):
        if self.in_paragraph and not self.annotation and self.paragraphs:
            self.paragraphs[-1].append(data)

    def end_cell(self):
        attrs, self.cell = self.cell or {}, None
        repeat = _int(attrs.get(TABLE + "number-columns-repeated"))
        value = self.cell_value(attrs)
        first = self.column + 1
        self.column += repeat
        across = _int(attrs.get(TABLE + "number-columns-spanned"))
        down = _int(attrs.get(TABLE + "number-rows-spanned"))
        if (across > 1 or down > 1) and self.sheet is not None and first <= MAX_COLUMNS:
            top = self.row_number + 1
            self.sheet.merged.append(
                f"{get_column_letter(first)}{top}:"
                f"{get_column_letter(min(first + across - 1, 16384))}{top + down - 1}"
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        last = min(self.column, MAX_COLUMNS)
        if self.column > MAX_COLUMNS and self.sheet is not None:
            cut = max(first, MAX_COLUMNS + 1)
            if self.sheet.cut_column is None or cut < self.sheet.cut_column:
                self.sheet.cut_column = cut
            self.row_cut = True
        if first <= last:
            self.budget.cell(last - first)  # a value repeated across columns: each is a cell
            if len(self.values) < first - 1:
                self.values.extend([None] * (first - 1 - len(self.values)))
            self.values.extend([value] * (last - first + 1))

    def cell_value(self, attrs):
        formula = attrs.get(TABLE + "formula")
        kind = attrs.get(OFFICE + "value-type")
        text = "\n".join("".join(p) for p in self.paragraphs)
        if formula:
            return Formula(formula.split(":", 1)[1] if formula.startswith("of:") else formula)
        if kind in ("float", "currency"):
            return _number(attrs.get(OFFICE + "value", "0"))
        if kind == "percentage":
            return _percent_text(float(attrs.get(OFFICE + "value", "0")))
        if kind == "date":
            raw = attrs.get(OFFICE + "date-value", "")
            try:
                return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
            except ValueError:
                return text
        if kind == "boolean":
            return attrs.get(OFFICE + "boolean-value") == "true"
        return text or None

    def end_row(self):
        repeat = self.row_repeat
        if self.sheet is None:
            return
        if not self.values and not self.row_cut:
            self.row_number += repeat  # a block of empty rows: nothing to expand
            return
        # a block of identical rows with data: each one is a row, charged before expanding
        self.budget.row(repeat)
        self.budget.cell(len(self.values) * (repeat - 1))
        for _i in range(repeat):
            self.row_number += 1
            self.sheet.rows.append(
                Row(self.row_number, list(self.values), self.row_hidden, self.row_cut)
            )


def read_ods(archive: zipfile.ZipFile, budget: Budget) -> list[Sheet]:
    content = _OdsContent(budget)
    starts, ends = content.handlers()
    _stream(archive, "content.xml", budget, starts, ends, content.text)
    return content.sheets


# --------------------------------------------------------------------------------------------
# .csv


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Rejected("text_encoding")


def read_csv(data: bytes, budget: Budget) -> list[Sheet]:
    """A CSV (or tab-separated) file as one sheet: UTF-8 (with or without its byte-order
    mark) or Windows-1252, as Excel saves it; comma, semicolon or tab, as the header uses."""
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise Rejected("text_encoding") from exc
    budget.characters(len(text))
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    sheet = Sheet(name="CSV")
    budget.sheet()
    budget.where, budget.part = (sheet.name, 0), "CSV"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            budget.where = (sheet.name, number)
            budget.element()
            budget.cell(max(len(cells), 1))
            values = [cell if cell.strip() else None for cell in cells[:MAX_COLUMNS]]
            cut = any(v.strip() for v in cells[MAX_COLUMNS:])
            if cut:
                sheet.cut_column = MAX_COLUMNS + 1
            while values and values[-1] is None:
                values.pop()
            if values or cut:
                budget.row()
                sheet.rows.append(Row(number, values, cut=cut))
    except csv.Error as exc:
        raise ValueError("csv") from exc
    return [sheet]
