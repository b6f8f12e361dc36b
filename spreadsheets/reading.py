"""Reading uploaded spreadsheets without trusting them, at a bounded cost.

``inspect`` decides what a file is from its bytes (never the browser's content type or the file
name): an .xlsx or .ods archive (checked for its size, number of parts, expanded size, macros,
encryption), an .xls (Excel 97-2003), a CSV/text file, or something refused with a message that
says what it is (a password-protected file, a damaged or truncated archive, a web page, a PDF).

``read`` then reads every sheet (hidden ones marked, never silently skipped), with its hidden
rows and columns marked, merged ranges, formulas and cells formatted as percentages, every row
at its real row number however many empty rows come before it. No row ends a sheet early.

* .xlsx: python-calamine (Rust) reads the cells, after every XML part has been decompressed,
  charged and checked here, and a light inspection of each worksheet's XML (regular
  expressions) has found what calamine does not give (hidden rows, formulas, 0% cells) and the
  size of the grid calamine would allocate.
* .xls: xlrd gives the layout (hidden rows and columns, merges, 0% formats, the grid's size),
  calamine the cells. Formulas in .xls are read as their last computed value.
* .ods: streamed with expat (content.xml): a block of identical rows is one element, expanded
  arithmetically.
* CSV: the standard library's csv, the encoding and separator found from the bytes.

Cost is bounded by one :class:`Budget` per upload, charged while streaming and checked at every
element: the number of sheets, of XML elements parsed, of cells examined, of rows with data, of
characters of text, and of bytes the XML parser is given (every byte it sees: comments,
attributes, processing instructions and whitespace included; each part's size as the archive's
directory declares it is checked before the part is opened, and the bytes are counted again as
they are decompressed). No single piece of XML (a comment, an attribute value, a tag) may be
longer than ``MAX_TOKEN`` bytes: expat re-reads an unfinished piece from its start each time it
is given more, so one 95 MB comment would cost minutes. A file over any limit is refused where
it crosses it, so no file can hold a worker for more than a few seconds (see
``docs/spreadsheet-corpus.md`` for the figures).

What is not a spreadsheet is named from its first bytes (a PDF, a Word document, an image…), so
the person is told that, not given advice about header rows.

XML safety: the parsers refuse any document type declaration (spreadsheets never have one), so
entity expansion ("billion laughs") and external entities cannot happen.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

import python_calamine
from openpyxl.utils import get_column_letter

from spreadsheets.messages import render

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
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # declared expanded size of the archive (images included)
# Bytes given to the XML parser, every part read together (the 10,000-row benchmark's sheets are
# about 2 MB; 20 million characters of narratives would be about 25 MB).
MAX_PARSED = 40 * 1024 * 1024
# Bytes the parser may be given without reporting anything: the longest comment, attribute
# value, processing instruction or tag accepted (spreadsheets write them in bytes or kilobytes).
MAX_TOKEN = 1024 * 1024
MAX_SMALL_PART = 1024 * 1024  # parts read whole to look inside ([Content_Types].xml, manifest)
MAX_INTEGER = 2**63 - 1  # the largest whole number a sheet's version cell may hold

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
    notes: list[dict] = field(default_factory=list)  # what the reader noticed (code, params)


@dataclass
class Budget:
    """What is left to spend on one upload; every reader charges it as it streams."""

    # read when a budget is made, so that a test may lower a limit
    sheets: int = field(default_factory=lambda: MAX_SHEETS)
    elements: int = field(default_factory=lambda: MAX_ELEMENTS)
    cells: int = field(default_factory=lambda: MAX_CELLS)
    rows: int = field(default_factory=lambda: MAX_ROWS)
    text: int = field(default_factory=lambda: MAX_TEXT)
    parsed: int = field(default_factory=lambda: MAX_PARSED)  # bytes given to the XML parser
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

    def xml_bytes(self, count: int) -> None:
        self.parsed -= count
        if self.parsed < 0:
            raise Rejected("expands_too_much", mb=MAX_PARSED // (1024 * 1024))


# --------------------------------------------------------------------------------------------
# What the bytes are


def _looks_like_text(head: bytes, encoding: str | None = None) -> bool:
    if encoding:  # UTF-16: its zero bytes are part of the characters
        text = head[: len(head) // 2 * 2].decode(encoding, errors="replace")
        return "\x00" not in text and _no_controls(text)
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("cp1252", errors="replace")
    return _no_controls(text)


def _no_controls(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


# What a file that is not a spreadsheet looks like, from its first bytes: (magic, kind). The
# kinds are named for the person by ``messages.FILE_KINDS``.
MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
    (b"\x7fELF", "program"),
]
ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": "word",
    b"application/vnd.oasis.opendocument.presentation": "presentation",
}


# An XML document that names the program it is for (Word 2003's and Office's "XML document").
XML_PROGRAMS = {
    b"Word.Document": "word",
    b"PowerPoint.Show": "presentation",
}


def _magic_kind(data: bytes) -> str | None:
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if b"%PDF-" in data[:1024]:  # readers accept it anywhere in the first kilobyte
        return "pdf"
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        for program, kind in XML_PROGRAMS.items():
            if b'progid="' + program in head:
                return kind
    if data.startswith(b"MZ") and b"\x00" in data[:512]:  # a Windows program
        return "program"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"AVI ", b"WAVE"):
        return "image" if data[8:12] == b"WEBP" else "media"
    if data[4:12] in (b"ftypheic", b"ftypmif1", b"ftypisom", b"ftypmp42"):
        return "image" if data[8:12] in (b"heic", b"mif1") else "media"
    return None


def _utf16(data: bytes) -> str | None:
    """The encoding of a UTF-16 text (Excel's "Unicode text"): by its byte-order mark, or, with
    none, by the zero bytes of mostly-ASCII text in every other place."""
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    head = data[:4096]
    if len(head) >= 8 and len(head) % 2 == 0:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def inspect(data: bytes) -> str:
    """What the bytes are: ``"xlsx"``, ``"ods"`` or ``"csv"``; ``Rejected`` otherwise."""
    if not data:
        raise Rejected("empty")
    if len(data) > MAX_BYTES:
        raise Rejected("too_large", mb=MAX_BYTES // (1024 * 1024))
    if data.startswith(OLE_MAGIC):
        return _inspect_ole(data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")) or zipfile.is_zipfile(io.BytesIO(data)):
        return _inspect_archive(data)
    kind = _magic_kind(data)
    if kind:
        raise Rejected("not_spreadsheet_kind", kind=kind)
    head = data[:65536]
    encoding = _utf16(data)
    if encoding:
        if _looks_like_text(head, encoding):
            return "csv"
        raise Rejected("not_spreadsheet")
    if _looks_like_text(head):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith((b"<", b"{")):
            raise Rejected("web_page")
        return "csv"
    raise Rejected("not_spreadsheet")


def _ole_has(data: bytes, name: str) -> bool:
    return name.encode("utf-16-le") in data


def _inspect_ole(data: bytes) -> str:
    """An old Office file: a password-protected workbook of any age, an .xls, or a Word or
    PowerPoint document (named by the streams its directory lists)."""
    if b"EncryptedPackage" in data or _ole_has(data, "EncryptedPackage"):
        raise Rejected("encrypted")
    if _ole_has(data, "Workbook") or _ole_has(data, "Book"):
        return "xls"
    if _ole_has(data, "WordDocument"):
        raise Rejected("not_spreadsheet_kind", kind="word")
    if _ole_has(data, "PowerPoint Document"):
        raise Rejected("not_spreadsheet_kind", kind="presentation")
    raise Rejected("legacy_xls")  # a directory we cannot name


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = MAX_SMALL_PART) -> bytes:
    """The first ``limit`` bytes of a part, never more (a part declared small may not be)."""
    with archive.open(name) as stream:
        return stream.read(limit)


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
        mimetype = _read_small(archive, "mimetype", 200).strip() if "mimetype" in names else b""
        if mimetype == ODS_MIME:
            if "content.xml" not in names:
                raise Rejected("damaged_zip")
            manifest = (
                _read_small(archive, "META-INF/manifest.xml")
                if "META-INF/manifest.xml" in names
                else b""
            )
            if b"encryption-data" in manifest:
                raise Rejected("encrypted")
            return "ods"
        if "[Content_Types].xml" in names:
            if "xl/workbook.bin" in names:
                raise Rejected("binary_workbook")
            if "xl/workbook.xml" in names:
                if b"macroEnabled" in _read_small(archive, "[Content_Types].xml"):
                    raise Rejected("macros")
                return "xlsx"
            if "word/document.xml" in names:
                raise Rejected("not_spreadsheet_kind", kind="word")
            if "ppt/presentation.xml" in names:
                raise Rejected("not_spreadsheet_kind", kind="presentation")
        for prefix, kind in ODF_KINDS.items():
            if mimetype.startswith(prefix):
                raise Rejected("not_spreadsheet_kind", kind=kind)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise Rejected("damaged_zip") from exc
    raise Rejected("not_spreadsheet_kind", kind="zip")


def read(data: bytes, budget: Budget | None = None) -> list[Sheet]:
    """Every sheet of an uploaded file, after ``inspect``; ``Rejected`` if unreadable."""
    kind = inspect(data)
    budget = budget or Budget()
    try:
        if kind == "csv":
            sheets = read_csv(data, budget)
        elif kind == "xls":
            sheets = read_xls(data, budget)
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if kind == "ods":
                    sheets = read_ods(archive, budget)
                else:
                    sheets = read_xlsx(archive, budget, data)
    except Rejected:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise Rejected("damaged_zip") from exc
    except python_calamine.PasswordError as exc:
        raise Rejected("encrypted") from exc
    except (
        expat.ExpatError,
        python_calamine.CalamineError,
        KeyError,
        ValueError,
        IndexError,
        OverflowError,
    ) as exc:
        # a broken part must give a clear message, never a 500
        raise Rejected("unreadable", part=budget.part or "?") from exc
    except BaseException as exc:
        # calamine's Rust code panicking on a damaged part surfaces as pyo3's PanicException,
        # which is not an Exception: the file is damaged, never a 500
        if type(exc).__name__ != "PanicException":
            raise
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
    and character is charged to ``budget``, and so is every byte given to the parser (the part's
    declared size first, then the bytes as they are decompressed). Comments and processing
    instructions count as elements. A piece of XML longer than ``MAX_TOKEN`` (the parser given
    that many bytes without reporting anything) is refused. This is the hot loop: one dictionary
    look-up per element and nothing more unless the element matters. Attribute names keep their
    namespace (``uri}local``)."""
    budget.part = part
    if archive.getinfo(part).file_size > budget.parsed:  # refused before a byte is parsed
        raise Rejected("expands_too_much", mb=MAX_PARSED // (1024 * 1024))
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

    def on_other(*args):  # a comment or a processing instruction: charged, not read
        budget.elements -= 1
        if budget.elements < 0:
            budget.element()
        budget.characters(len(args[-1]))

    parser.StartElementHandler = on_start
    if ends:
        parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    parser.CommentHandler = on_other
    parser.ProcessingInstructionHandler = on_other
    silent = 0  # bytes given since the parser last reported something
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            budget.xml_bytes(len(chunk))
            before = budget.elements + budget.text
            parser.Parse(chunk, False)
            if budget.elements + budget.text == before:
                silent += len(chunk)
                if silent > MAX_TOKEN:
                    raise Rejected("xml_token_too_long", part=part, kb=MAX_TOKEN // 1024)
            else:
                silent = 0
        parser.Parse(b"", True)


# --------------------------------------------------------------------------------------------
# .xlsx: calamine reads the cells; a light inspection of the XML gives what it does not

MAIN_REL = "officeDocument/2006/relationships}id"
BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
# A sheet's cells are a grid in calamine (every cell between A1 and the furthest one): two cells
# at A1 and XFD1048576 would be 17 billion. The grid's size (rows × columns) is checked from the
# XML before calamine is called.
MAX_AREA = 1_500_000


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


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _xml_parts(archive: zipfile.ZipFile, budget: Budget) -> dict[str, bytes]:
    """Every XML part of the archive, decompressed and checked before calamine parses any: each
    part's declared size charged first (a part larger than what is left is refused before a
    byte is decompressed), then its bytes as they come (Python's zipfile stops at the declared
    size and checks the CRC, so a part cannot be larger than it says). No document type
    declaration (so no entities), and no comment, attribute, instruction or tag longer than
    ``MAX_TOKEN``. Returns the parts by name (the worksheets are read again by ``_layout``)."""
    infos = [i for i in archive.infolist() if _is_xml(i.filename)]
    if sum(i.file_size for i in infos) > budget.parsed:
        raise Rejected("expands_too_much", mb=MAX_PARSED // (1024 * 1024))
    kept = {}
    for info in infos:
        budget.part = info.filename
        kept[info.filename] = _checked_part(archive, info, budget)
    return kept


def _checked_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> bytes:
    """One part, decompressed chunk by chunk, each chunk charged; refused as soon as a piece of
    XML (from a "<" to its ">") is longer than ``MAX_TOKEN``: at most a chunk past it."""
    chunks, total, open_at = [], 0, None
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            budget.xml_bytes(len(chunk))
            opened, closed = chunk.rfind(b"<"), chunk.rfind(b">")
            if opened > closed:
                open_at = total + opened
            elif closed > opened:
                open_at = None
            total += len(chunk)
            if open_at is not None and total - open_at > MAX_TOKEN:
                raise Rejected("xml_token_too_long", part=info.filename, kb=MAX_TOKEN // 1024)
            chunks.append(chunk)
    xml = b"".join(chunks)
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise Rejected("unsafe_xml")
    return xml


def read_xlsx(archive: zipfile.ZipFile, budget: Budget, data: bytes) -> list[Sheet]:
    names = set(archive.namelist())
    listed: list[tuple[str, str, str]] = []  # (name, state, relationship id)

    def on_sheet(attrs):
        rid = next((v for k, v in attrs.items() if k.endswith(MAIN_REL)), "")
        listed.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))

    parts = _xml_parts(archive, budget)
    _stream(archive, "xl/workbook.xml", budget, {"sheet": on_sheet})
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
    percent = _percent_styles(archive, names, budget)
    book = None
    sheets = []
    for number, (title, state, rid) in enumerate(listed, start=1):
        path, kind = targets.get(rid, (f"xl/worksheets/sheet{number}.xml", "worksheet"))
        sheet = Sheet(name=title or f"Sheet{number}", hidden=state != "visible")
        sheets.append(sheet)
        if kind != "worksheet":
            sheet.kind = "chart"
            continue
        if path not in parts:
            budget.part = path
            raise KeyError(path)
        budget.part, budget.where = path, (sheet.name, 0)
        if not _ROOT_END.search(parts[path][-200:]):  # cut short: calamine would not say
            raise Rejected("unreadable", part=path)
        layout = _layout(parts.pop(path), sheet, percent, budget)
        if layout.cells_with_values == 0 and not layout.formulas:
            continue
        if book is None:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = book.get_sheet_by_name(sheet.name)
        sheet.merged = [
            f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
            for (r0, c0), (r1, c1) in found.merged_cell_ranges or []
        ]
        _fill(sheet, found.to_python(skip_empty_area=False), layout, budget)
    return sheets


def _percent_styles(archive, names, budget) -> set[int]:
    """The cell styles (indices) whose number format shows a percentage, as "0%": a 0.6 there is
    "60%" (and 1 is 100%, never level 1)."""
    part = "xl/styles.xml"
    if part not in names:
        return set()
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
    return {
        index
        for index, number in enumerate(xfs)
        if (_format_kind(custom[number]) if number in custom else None) == "percent"
        or (number not in custom and number in BUILTIN_PERCENT)
    }


EXCEL_COLUMNS = 16_384  # XFD, the last column a sheet may have
EXCEL_ROWS = 1_048_576


def _column_number(ref: str) -> int:
    """The column of a cell reference ("C12": 3); past Excel's last column, the one after it."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > EXCEL_COLUMNS:
            return EXCEL_COLUMNS + 1
    return number


def _number(text: str):
    number = float(text)
    if not math.isfinite(number):  # "NaN", "INF", 1e999: kept as written, never a float
        return text
    if number.is_integer() and abs(number) < 1e15:
        return int(number)
    return number


def _percent_text(number: float) -> str:
    return f"{number * 100:g}%"


# The light inspection of a worksheet's XML: regular expressions over its bytes (each a single
# pass in C), a loop in Python only over what needs one. Element names may carry a prefix
# ("x:row"), attribute values either quote.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_OPEN = re.compile(rb"<" + _P + rb"c[\s/>]")
_CELL_REF = re.compile(rb"<" + _P + rb"c\s[^>]*?(?<=\s)r\s*=\s*[\"']([A-Za-z]{1,4})(\d{1,8})")
_VALUE_OPEN = re.compile(rb"<" + _P + rb"(?:v|is)[\s>]")
_FORMULA_OPEN = re.compile(rb"<" + _P + rb"f[\s/>]")
_HIDDEN_ROW = re.compile(rb"<" + _P + rb"row\s[^>]*?(?<=\s)hidden\s*=\s*[\"'](?:1|true)[\"']")
_HIDDEN_COL = re.compile(rb"<" + _P + rb"col\s([^>]*?(?<=\s)hidden\s*=\s*[\"'](?:1|true)[^>]*)>")
_ATTR = re.compile(rb"(?<![\w:])([\w]+)\s*=\s*[\"']([^\"']*)[\"']")
_WALK = re.compile(
    rb"<" + _P + rb"(row|c)(?=[\s/>])([^>]*)>"
    rb"(\s*<" + _P + rb"f(?=[\s/>])[^>]*?(?:/>|>([^<]*)<))?"
)
_ROOT_END = re.compile(rb"</" + _P + rb"worksheet>\s*$")
_START = re.compile(rb"<(?!/)" + _P + rb"([\w.-]*)")


@dataclass
class _Layout:
    """What a worksheet's XML says beyond its values."""

    rows: int = 0  # the last row with a cell
    columns: int = 0  # the last column with a cell
    cells_with_values: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column): text
    percent: set[tuple[int, int]] = field(default_factory=set)  # cells formatted as 0%


def _layout(xml: bytes, sheet: Sheet, percent_styles: set[int], budget: Budget) -> _Layout:
    """Hidden rows and columns, formulas, cells formatted as percentages and the grid's size;
    every element and cell charged to ``budget`` (a file over a limit is refused where it
    would have crossed it, by ``_refuse_where``)."""
    elements = xml.count(b"<") - xml.count(b"</")
    cells = len(_CELL_OPEN.findall(xml))
    if elements > budget.elements or cells > budget.cells:
        _refuse_where(xml, sheet, budget)
    budget.elements -= elements
    budget.cells -= cells
    layout = _Layout(cells_with_values=len(_VALUE_OPEN.findall(xml)))
    for match in _HIDDEN_COL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        low, high = _int(attrs.get(b"min")), _int(attrs.get(b"max"))
        sheet.hidden_columns.update(range(low, min(high, MAX_COLUMNS) + 1))
    refs = _CELL_REF.findall(xml)
    needs_walk = (
        len(refs) != cells
        or _FORMULA_OPEN.search(xml) is not None
        or _HIDDEN_ROW.search(xml) is not None
        or (percent_styles and _uses_styles(xml, percent_styles))
    )
    if needs_walk:
        _walk(xml, layout, percent_styles)
    elif refs:
        layout.rows = max(int(number) for number in {r for _c, r in refs})  # 8 digits at most
        layout.columns = max(_column_number(c.decode()) for c in {c for c, _r in refs})
    if layout.columns > EXCEL_COLUMNS or layout.rows > EXCEL_ROWS:
        # a reference past XFD1048576 is no cell Excel or LibreOffice can write (calamine
        # would stop the process): the part is damaged
        raise Rejected("unreadable", part=budget.part)
    if layout.rows * layout.columns > MAX_AREA:
        raise Rejected("too_much_content", sheet=sheet.name, row=layout.rows)
    return layout


def _uses_styles(xml: bytes, styles: set[int]) -> bool:
    listed = b"|".join(str(s).encode() for s in sorted(styles))
    pattern = rb"<" + _P + rb"c\s[^>]*?(?<=\s)s\s*=\s*[\"'](?:" + listed + rb")[\"']"
    return re.search(pattern, xml) is not None


def _walk(xml: bytes, layout: _Layout, percent_styles: set[int]) -> None:
    """Rows and cells one by one (where cells have no reference, they follow each other, as
    calamine places them): hidden rows, formulas and percentage cells by position."""
    row = column = 0
    for match in _WALK.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(2)))
        ref = attrs.get(b"r")
        if match.group(1) == b"row":
            row = int(ref) if ref and ref.isdigit() else row + 1
            column = 0
            if attrs.get(b"hidden") in (b"1", b"true"):
                layout.hidden_rows.add(row)
            continue
        if ref:
            text = ref.decode("ascii", "replace")
            column = _column_number(text)
            digits = text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            row = int(digits) if digits.isdigit() else row
        else:
            column += 1
        layout.rows, layout.columns = max(layout.rows, row), max(layout.columns, column)
        if match.group(3):
            formula = (match.group(4) or b"").decode("utf-8", "replace")
            layout.formulas[(row, column)] = html.unescape(formula)
        style = attrs.get(b"s")
        if style and style.isdigit() and int(style) in percent_styles:
            layout.percent.add((row, column))


def _refuse_where(xml: bytes, sheet: Sheet, budget: Budget) -> None:
    """A sheet over the element or cell budget: walk its start tags in order, as a streaming
    parser would, and refuse at the first limit crossed (rows with data, cells or elements)."""
    row, has_value = 0, False
    for match in _START.finditer(xml):
        name = match.group(1)
        budget.element()
        if name == b"row":
            if has_value:
                budget.row()
            row, has_value = row + 1, False
            budget.where = (sheet.name, row)
        elif name == b"c":
            budget.cell()
        elif name in (b"v", b"is"):
            has_value = True


def _fill(sheet: Sheet, grid: list[list], layout: _Layout, budget: Budget) -> None:
    """The rows with data from calamine's grid (row 1 first), with the layout's formulas,
    percentages and hidden rows; cells right of ``MAX_COLUMNS`` are not read (``cut``)."""
    formulas_by_row: dict[int, dict[int, str]] = {}
    for (row, column), text in layout.formulas.items():
        formulas_by_row.setdefault(row, {})[column] = text
    last = max(len(grid), max(formulas_by_row, default=0))
    percent = layout.percent
    for number in range(1, last + 1):
        cells = grid[number - 1] if number <= len(grid) else []
        formulas = formulas_by_row.get(number)
        if not formulas and cells.count("") == len(cells):
            continue
        # ``_value`` of each cell; a text (most cells) without the call
        values = [(v if v.strip() else None) if type(v) is str else _value(v) for v in cells]
        if formulas:
            for column, text in formulas.items():
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = Formula("=" + text if text else "=…")
        if percent:
            for index, value in enumerate(values):
                if (number, index + 1) in percent and type(value) in (int, float):
                    values[index] = _percent_text(value)
        beyond = [i for i, v in enumerate(values[MAX_COLUMNS:]) if v is not None]
        del values[MAX_COLUMNS:]
        while values and values[-1] is None:
            values.pop()
        if beyond:
            first = MAX_COLUMNS + 1 + beyond[0]
            if sheet.cut_column is None or first < sheet.cut_column:
                sheet.cut_column = first
        elif not values:
            continue
        budget.where = (sheet.name, number)
        budget.row()
        for value in values:
            if type(value) is str:
                budget.text -= len(value)
        if budget.text < 0:
            budget.characters(0)
        sheet.rows.append(Row(number, values, number in layout.hidden_rows, bool(beyond)))


def _value(value):
    """A cell as calamine gives it, as the importer reads cells: None for an empty cell (or
    spaces only), whole numbers as int, a non-finite number as written."""
    kind = type(value)
    if kind is str:
        return value if value.strip() else None
    if kind is float:
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
    return value


# --------------------------------------------------------------------------------------------
# .xls (Excel 97-2003): calamine reads the cells, xlrd the layout


def read_xls(data: bytes, budget: Budget) -> list[Sheet]:
    """An .xls workbook. xlrd (with the cells' formats, rows kept ragged so a far cell costs
    nothing) gives the sheets' visibility, hidden rows and columns, merged ranges, the cells
    formatted as percentages and the grid's size, checked before calamine reads the values;
    the formulas' places come from the sheet's own records (``_xls_formulas``: xlrd keeps only
    their last computed value). The file is at most ``MAX_BYTES`` and holds no compression, so
    xlrd's work is bounded."""
    import xlrd

    budget.part = "Workbook"
    try:
        layout_book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, ragged_rows=True, on_demand=True
        )
    except Exception as exc:  # noqa: BLE001 - xlrd on damaged bytes raises many kinds
        if "encrypt" in str(exc).lower():
            raise Rejected("encrypted") from exc
        raise Rejected("unreadable", part="Workbook") from exc
    budget.sheet(layout_book.nsheets)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    visible = [m.visible == python_calamine.SheetVisibleEnum.Visible for m in book.sheets_metadata]
    sheets = []
    for index in range(layout_book.nsheets):
        found = layout_book.sheet_by_index(index)
        shown = visible[index] if index < len(visible) else True
        sheet = Sheet(name=found.name, hidden=found.visibility != 0 or not shown)
        sheets.append(sheet)
        budget.where = (sheet.name, 0)
        layout = _Layout(rows=found.nrows, formulas=_xls_formulas(layout_book, index))
        for row in range(found.nrows):
            width = found.row_len(row)
            budget.cell(width)
            layout.columns = max(layout.columns, width)
            info = found.rowinfo_map.get(row)
            if info is not None and info.hidden:
                layout.hidden_rows.add(row + 1)
            for column in range(width):
                if found.cell_type(row, column) == xlrd.XL_CELL_EMPTY:
                    continue
                layout.cells_with_values += 1
                xf = layout_book.xf_list[found.cell_xf_index(row, column)]
                fmt = layout_book.format_map.get(xf.format_key)
                if fmt is not None and _format_kind(fmt.format_str) == "percent":
                    layout.percent.add((row + 1, column + 1))
        for column, info in found.colinfo_map.items():
            if info.hidden and column < MAX_COLUMNS:
                sheet.hidden_columns.add(column + 1)
        sheet.merged = [
            f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1)}{r1}"
            for r0, r1, c0, c1 in found.merged_cells
        ]
        layout_book.unload_sheet(index)
        if layout.rows * layout.columns > MAX_AREA:
            raise Rejected("too_much_content", sheet=sheet.name, row=layout.rows)
        if not layout.cells_with_values:
            continue
        grid = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        _fill(sheet, grid, layout, budget)
    return sheets


# BIFF8 record types: a formula cell, the start and the end of a substream.
_BIFF_FORMULA, _BIFF_BOF, _BIFF_EOF = 0x0006, 0x0809, 0x000A


def _xls_formulas(book, index: int) -> dict[tuple[int, int], str]:
    """The cells of sheet ``index`` that hold a formula, {(row, column): ""} (1-based; the
    formula's text is not decoded: the cell shows "=…"), from the FORMULA records of the
    sheet's substream in the Workbook stream xlrd has already read (``book.mem``, the sheet's
    offset in ``book._sh_abs_posn``: xlrd 2.0 is frozen, so these stay where they are). A chart
    embedded in the sheet is a substream of its own (BOF ... EOF), walked over."""
    mem, found, depth = book.mem, {}, 0
    position = book._sh_abs_posn[index]
    while position + 4 <= len(mem):
        kind, length = struct.unpack_from("<HH", mem, position)
        if kind == _BIFF_BOF:
            depth += 1
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _BIFF_FORMULA and depth == 1 and length >= 4:
            row, column = struct.unpack_from("<HH", mem, position + 4)
            found[(row + 1, column + 1)] = ""
        position += 4 + length
    return found


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


def _decode(data: bytes) -> tuple[str, list[int]]:
    """The text of a CSV file and the lines (1-based, physical) read as Windows-1252.

    UTF-16 (Excel's "Unicode text", with or without its byte-order mark) and UTF-8 (with or
    without its mark) are decoded as such. A file with no valid UTF-8 beyond ASCII anywhere is
    Windows-1252 (Excel's "CSV" in Spanish) or code page 850 (its "CSV (MS-DOS)"),
    ``_single_byte``. A UTF-8 file with some lines that are not UTF-8 (a
    line pasted from an older file) is decoded line by line: those lines as Windows-1252, which
    gives the accents their writer saw, and the preview names them (``csv_mixed_encoding``):
    never "EducaciÃ³n" stored in silence."""
    encoding = _utf16(data)
    if encoding:
        text = data.decode(encoding)
        return text.removeprefix("\ufeff"), []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
    if all(text is None or text.isascii() for text in decoded):
        return _single_byte(data), []  # one single-byte encoding throughout: no line to name
    other = [number for number, text in enumerate(decoded, start=1) if text is None]
    for number in other:
        decoded[number - 1] = lines[number - 1].decode("cp1252")
    return "\n".join(decoded), other


# The letters of Spanish and English text beyond ASCII, to tell the single-byte encodings apart
_ACCENTED = "áéíóúüñÁÉÍÓÚÜÑ"


def _single_byte(data: bytes) -> str:
    """A file in one single-byte encoding: Windows-1252 (Excel's "CSV" in Spanish), or the DOS
    code page 850 (Excel's "CSV (MS-DOS)") when that reads more of its bytes as accented
    letters: "Código" and "capacitación", never "C¢digo" and "capacitaci¢n" stored in
    silence (nor a refusal for a byte Windows-1252 lacks, the "É" of code page 850)."""
    try:
        windows = data.decode("cp1252")
    except UnicodeDecodeError:
        windows = None
    dos = data.decode("cp850")  # every byte is a character of code page 850
    if windows is not None and _accented(windows) >= _accented(dos):
        return windows
    if windows is None and not _accented(dos):
        data.decode("cp1252")  # neither: refused as before (``text_encoding``)
    return dos


def _accented(text: str) -> int:
    return sum(text.count(letter) for letter in _ACCENTED)


NOTED_ROWS = 10  # rows named in a note; the others are counted
DELIMITERS = (";", ",", "\t", "|")
SNIFF_LINES = 30  # lines looked at to choose the separator


def _delimiter(text: str) -> str:
    """The separator that splits the first lines most consistently: the most lines cut into the
    same number (two or more) of fields. A title line above the header, or commas inside a
    narrative of a semicolon file, do not decide it."""
    sample = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            sample.append(line)
        if len(sample) >= SNIFF_LINES:
            break
    best, best_score = ",", (0, 0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        mode = max(set(wide), key=lambda c: (wide.count(c), c))
        score = (wide.count(mode), len(wide), -DELIMITERS.index(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _record_of(physical: list[int], starts: list[int]) -> list[int]:
    """The rows (records) that hold the given physical lines; ``starts[i]`` is the first
    physical line of record ``i + 1``."""
    import bisect

    return sorted({bisect.bisect_right(starts, line) for line in physical})


def read_csv(data: bytes, budget: Budget) -> list[Sheet]:
    """A CSV (or tab-separated) file as one sheet: UTF-8 (with or without its byte-order
    mark), Windows-1252 as Excel saves it, or UTF-16 (Excel's "Unicode text"); comma,
    semicolon, tab or bar, as the first lines use. A NUL character anywhere is refused (no
    text file holds one, and the database could not keep it)."""
    try:
        text, other_lines = _decode(data)
    except UnicodeDecodeError as exc:
        raise Rejected("text_encoding") from exc
    budget.characters(len(text))
    delimiter = _delimiter(text)
    sheet = Sheet(name="CSV")
    budget.sheet()
    budget.where, budget.part = (sheet.name, 0), "CSV"
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Rejected("nul_in_text", line=line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts: list[int] = []  # the first physical line of each record
    previous = 0  # physical lines read so far
    try:
        for number, cells in enumerate(reader, start=1):
            starts.append(previous + 1)
            previous = reader.line_num
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
    if other_lines:
        rows = _record_of(other_lines, starts)
        sheet.notes.append(
            {
                "code": "csv_mixed_encoding",
                "params": {"rows": rows[:NOTED_ROWS], "more": max(len(rows) - NOTED_ROWS, 0)},
            }
        )
    return [sheet]
