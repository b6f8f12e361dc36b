"""Hostile or broken files: a clear message, never a 500, never a write."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from commitments.models import SpreadsheetUpload, StatusUpdate
from commitments.spreadsheets import reading
from commitments.spreadsheets.reading import Rejected, inspect, read

from .conftest import save

pytestmark = pytest.mark.django_db


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_with(extra: dict[str, bytes] | None = None, content_types: bytes | None = None):
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status"])
    data = save(book)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    if content_types is not None:
        entries["[Content_Types].xml"] = content_types
    entries.update(extra or {})
    return _zip(entries)


CASES = {
    "empty": (b"", "empty"),
    "renamed csv": (b"Code,New status\nGTM-PRO-01,3\n", "CSV"),
    "plain text": (b"hello world, this is not a spreadsheet at all", "CSV"),
    "binary junk": (bytes(range(256)) * 4, "not a spreadsheet"),
    ".xls (OLE)": (reading.OLE_MAGIC + b"\x00" * 600, ".xls"),
    "password-protected (OLE)": (
        reading.OLE_MAGIC + b"EncryptedPackage" + b"\x00" * 600,
        "password",
    ),
    "a zip that is not a spreadsheet": (_zip({"readme.txt": b"hi"}), "not a spreadsheet"),
    "a broken zip": (b"PK\x03\x04" + b"\x00" * 100, "not a spreadsheet"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_not_a_spreadsheet(case):
    data, words = CASES[case]
    with pytest.raises(Rejected, match=words):
        read(data)


def test_xlsm_with_a_macro_part_is_refused():
    with pytest.raises(Rejected, match="macros"):
        inspect(_xlsx_with({"xl/vbaProject.bin": b"\x00" * 100}))
    macro_type = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
    )
    with pytest.raises(Rejected, match="macros"):
        inspect(_xlsx_with(content_types=macro_type))


def test_oversized_file():
    with pytest.raises(Rejected, match="larger than 5 MB"):
        inspect(b"PK" + b"\x00" * (reading.MAX_BYTES + 1))


def test_decompression_bomb_is_refused_before_parsing():
    bomb = _xlsx_with({"xl/worksheets/sheet2.xml": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # tiny on disk ...
    with pytest.raises(Rejected, match="decompression bomb"):
        inspect(bomb)  # ... refused from the archive's directory, without expanding it


def test_too_many_entries_or_too_large_when_expanded(monkeypatch):
    with pytest.raises(Rejected, match="too many parts"):
        inspect(_xlsx_with({f"junk/{i}.xml": b"x" for i in range(reading.MAX_ENTRIES + 1)}))
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED", 10)
    with pytest.raises(Rejected, match="expands to more than"):
        inspect(_xlsx_with())


def test_xml_entity_attack_is_refused():
    # A "billion laughs" in the sheet XML: defusedxml (installed) makes openpyxl refuse it.
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with pytest.raises(Rejected):
        read(_xlsx_with({"xl/worksheets/sheet1.xml": evil}))


def test_ods_entity_attack_is_refused():
    content = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
        b'office:1.0">&a;</office:document-content>'
    )
    ods = _zip({"mimetype": reading.ODS_MIME, "content.xml": content})
    with pytest.raises(Rejected):
        read(ods)


def test_row_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status"])
    for i in range(60):
        book.active.append([f"GTM-PRO-{i:02d}", 1])
    with pytest.raises(Rejected, match="more than 50 rows"):
        read(save(book))


def test_a_million_row_sheet_is_refused_quickly():
    # One million rows of sheet XML, streamed into the archive: refused by its expanded size
    # or compression ratio, or at the row limit, never read whole.
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status"])
    with zipfile.ZipFile(io.BytesIO(save(book))) as source:
        entries = {n: source.read(n) for n in source.namelist() if "sheet1.xml" not in n}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                b'.org/spreadsheetml/2006/main"><sheetData>'
            )
            for number in range(1, 1_000_001):
                sheet.write(
                    b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (number, number, number)
                )
            sheet.write(b"</sheetData></worksheet>")
    with pytest.raises(Rejected):
        read(buffer.getvalue())


def test_empty_workbook_has_no_data():
    with pytest.raises(Rejected, match="no data"):
        read(save(openpyxl.Workbook()))


def test_no_header_row_is_a_clear_problem(people, period):
    from commitments.spreadsheets import importer

    book = openpyxl.Workbook()
    book.active.append(["Nombre", "Valor"])
    book.active.append(["a", 1])
    result = importer.preview(save(book), user=people["gabriel"], period=period)
    assert "No header row found" in result["file_problems"][0]


@pytest.mark.parametrize("case", ["renamed csv", ".xls (OLE)", "empty"])
def test_upload_page_answers_with_the_reason_not_a_500(client, people, case):
    data, words = CASES[case]
    client.force_login(people["gabriel"])
    response = client.post(
        reverse("spreadsheets"),
        {"file": io.BytesIO(data) if data else io.BytesIO(b""), "period": "2025"},
        follow=True,
    )
    assert response.status_code == 200
    if data:  # an empty file is refused by the form itself
        upload = SpreadsheetUpload.objects.get()
        assert upload.state == "rejected"
        assert words.lower() in response.content.decode().lower()
    else:
        assert "empty" in response.content.decode().lower()
    assert StatusUpdate.objects.count() == 0


def test_content_type_from_the_browser_is_not_trusted(client, people, gtm_template):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["gabriel"])
    lie = SimpleUploadedFile(
        "matrix.xlsx",
        b"Code;Status\nGTM-PRO-01;3",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    client.post(reverse("spreadsheets"), {"file": lie, "period": "2025"})
    assert SpreadsheetUpload.objects.get().state == "rejected"
    truth = SimpleUploadedFile("whatever.bin", save(gtm_template), content_type="text/plain")
    client.post(reverse("spreadsheets"), {"file": truth, "period": "2025"})
    assert SpreadsheetUpload.objects.latest("id").state == "previewed"
