"""Files that once held a worker or broke a request (issue 19), built byte by byte: shared by
the tests, the corpus generator (``make_corpus.py``) and ``benchmarks/quadratic_preview.py``."""

from __future__ import annotations

import io
import zipfile

ROWS = 11_990  # the file: 11,990 rows cycling over 27 codes
CODES = 27


def cycling_csv(codes: list[str], rows: int = ROWS) -> bytes:
    """A CSV whose rows cycle over ``codes``, every row with its own status and narrative: each
    commitment is in rows/len(codes) rows with different values (all of them duplicates)."""
    lines = ["Code,New status,Narrative"]
    for i in range(rows):
        lines.append(f"{codes[i % len(codes)]},{i % 6},Progress note {i}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Code</t></is>'
    b'</c><c r="B1" t="inlineStr"><is><t>New status</t></is></c></row>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _xlsx_parts() -> dict[str, bytes]:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {name: source.read(name) for name in source.namelist()}


def xlsx_with_sheet(middle: bytes) -> bytes:
    """A one-sheet .xlsx whose sheet XML is a header row, then ``middle``, then the end."""
    return _zip({**_xlsx_parts(), "xl/worksheets/sheet1.xml": SHEET_HEAD + middle + SHEET_TAIL})


def huge_comment_xlsx(megabytes: int = 95) -> bytes:
    """The issue's 98 KB file: a header, then one comment of ``megabytes`` MB."""
    return xlsx_with_sheet(b"<!--" + b"x" * (megabytes << 20) + b"-->")


def huge_attribute_xlsx(megabytes: int = 95) -> bytes:
    """A header, then a row whose attribute value is ``megabytes`` MB long."""
    return xlsx_with_sheet(b'<row r="2" spans="' + b"1" * (megabytes << 20) + b'"/>')


def huge_instruction_xlsx(megabytes: int = 95) -> bytes:
    """A header, then one processing instruction of ``megabytes`` MB."""
    return xlsx_with_sheet(b"<?junk " + b"y" * (megabytes << 20) + b"?>")


ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="Hoja1"><table:table-row>'
    b'<table:table-cell office:value-type="string"><text:p>Code</text:p></table:table-cell>'
    b'<table:table-cell office:value-type="string"><text:p>New status</text:p></table:table-cell>'
    b"</table:table-row>"
)
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def huge_comment_ods(megabytes: int = 95) -> bytes:
    """An .ods whose content.xml is a header row, then one comment of ``megabytes`` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr(
            "content.xml",
            ODS_HEAD + b"<!--" + b"x" * (megabytes << 20) + b"-->" + ODS_TAIL,
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def nul_after_64k_csv() -> bytes:
    """A CSV with a NUL byte after its first 64 KB (the first 64 KB look like plain text)."""
    lines = ["Code,New status,Narrative"]
    number = 0
    while sum(len(line) + 2 for line in lines) < 70_000:
        lines.append(f"GTM-PRO-01,3,Line {number} of a long text file")
        number += 1
    lines.append("GTM-PRO-02,2,a NUL \x00 here")
    return ("\r\n".join(lines) + "\r\n").encode()
