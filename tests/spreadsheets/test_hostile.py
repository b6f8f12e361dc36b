"""Hostile, broken or oversized files: a clear message, never a 500, never a write.

(The corpus, ``test_corpus.py``, holds the issue's files; these tests pin each rule.)
"""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from spreadsheets import reading
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import Budget, Rejected, inspect, read
from statuses.models import StatusUpdate
from tests.spreadsheets.conftest import save

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


def _template() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Código", "Nuevo estado", "Narrativa"])
    book.active.append(["GTM-PRO-01", 3, "ok"])
    return save(book)


CASES = {
    "empty": (b"", "empty"),
    "binary junk": (bytes(range(256)) * 4, "not_spreadsheet"),
    ".xls (OLE)": (reading.OLE_MAGIC + b"\x00" * 600, "legacy_xls"),
    "password-protected (OLE)": (
        reading.OLE_MAGIC + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600,
        "encrypted",
    ),
    "a zip that is not a spreadsheet": (_zip({"readme.txt": b"hi"}), "not_spreadsheet_kind"),
    "a broken zip": (b"PK\x03\x04" + b"\x00" * 100, "damaged_zip"),
    "a truncated .xlsx": (_template()[:1500], "damaged_zip"),
    "a web page named .xls": (b"<html><table><tr><td>1</td></tr></table></html>", "web_page"),
    "an .xlsb": (
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"x"}),
        "binary_workbook",
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(CASES))
def test_not_a_readable_spreadsheet_says_what_it_is(case):
    data, code = CASES[case]
    with pytest.raises(Rejected) as refused:
        read(data)
    assert refused.value.code == code


def test_the_issue_truncated_xlsx_is_not_called_a_csv_file():
    with pytest.raises(Rejected) as refused:
        read(_template()[:-200])
    assert refused.value.code == "damaged_zip"
    assert "damaged or incomplete" in str(refused.value) and "CSV" not in str(refused.value)


def test_text_is_read_as_csv():
    assert inspect("Código;Estado\nGTM-PRO-01;3\n".encode("cp1252")) == "csv"
    sheets = read("\ufeffCode,New status\nGTM-PRO-01,3\n".encode())
    assert [r.values for r in sheets[0].rows] == [["Code", "New status"], ["GTM-PRO-01", "3"]]


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


def test_expanded_size_is_refused_from_the_archive_directory(monkeypatch):
    # judged from the sizes the archive declares (zipfile never reads past them), unexpanded
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED", 10 * 1024 * 1024)
    bomb = _xlsx_with({"xl/worksheets/sheet2.xml": b"\x00" * (11 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(Rejected) as refused:
        inspect(bomb)
    assert refused.value.code == "expands_too_much"
    with pytest.raises(Rejected, match="internal parts"):
        inspect(_xlsx_with({f"junk/{i}.xml": b"x" for i in range(reading.MAX_ENTRIES + 1)}))


def test_a_repetitive_megabyte_of_text_is_not_a_bomb():
    narrative = "Se avanzó. " * 100_000
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Code</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Narrative</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>GTM-PRO-01</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{narrative}</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    data = _xlsx_with({"xl/worksheets/sheet1.xml": sheet})
    assert len(data) < 20 * 1024  # compressed more than 50 times
    # calamine drops the cell's trailing space; the importer strips narratives anyway
    assert read(data)[0].rows[1].values[1].strip() == narrative.strip()


def test_xml_entity_attack_is_refused():
    # A "billion laughs" in the sheet XML: any document type declaration is refused.
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with pytest.raises(Rejected) as refused:
        read(_xlsx_with({"xl/worksheets/sheet1.xml": evil}))
    assert refused.value.code == "unsafe_xml"


def test_ods_entity_attack_is_refused():
    content = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
        b'office:1.0">&a;</office:document-content>'
    )
    ods = _zip({"mimetype": reading.ODS_MIME, "content.xml": content})
    with pytest.raises(Rejected) as refused:
        read(ods)
    assert refused.value.code == "unsafe_xml"


def test_a_broken_part_names_itself():
    with pytest.raises(Rejected) as refused:
        read(_xlsx_with({"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"}))
    assert (refused.value.code, refused.value.params["part"]) == (
        "unreadable",
        "xl/worksheets/sheet1.xml",
    )


def test_row_limit_counts_rows_with_data_in_all_sheets(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status"])
    for i in range(30):
        book.active.append([f"GTM-PRO-{i:02d}", 1])
    second = book.create_sheet("Más")
    for i in range(30):
        second.append([f"GTM-JOB-{i:02d}", 1])
    with pytest.raises(Rejected) as refused:
        read(save(book))
    assert refused.value.code == "too_many_rows"
    assert refused.value.params["sheet"] == "Más"


def test_empty_rows_cost_elements_not_rows(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ELEMENTS", 5_000)
    sheet = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % n for n in range(1, 6000))
    data = _xlsx_with(
        {
            "xl/worksheets/sheet1.xml": b'<worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + sheet + b"</sheetData></worksheet>"
        }
    )
    with pytest.raises(Rejected) as refused:
        read(data)
    assert refused.value.code == "too_much_content"


def test_sheets_are_counted_before_any_is_read(monkeypatch):
    monkeypatch.setattr(reading, "MAX_SHEETS", 3)
    book = openpyxl.Workbook()
    for i in range(4):
        book.create_sheet(f"H{i}")
    budget = Budget()
    with pytest.raises(Rejected) as refused:
        read(save(book), budget)
    assert refused.value.code == "too_many_sheets"
    assert budget.cells == reading.MAX_CELLS  # no cell was looked at


def test_empty_workbook_has_no_data():
    with pytest.raises(Rejected, match="no data"):
        read(save(openpyxl.Workbook()))


@pytest.mark.parametrize("case", ["binary junk", ".xls (OLE)", "empty"])
def test_upload_page_answers_with_the_reason_not_a_500(client, people, case):
    data, code = CASES[case]
    client.force_login(people["gabriel"])
    response = client.post(
        reverse("spreadsheets"),
        {"file": io.BytesIO(data) if data else io.BytesIO(b""), "period": "2025"},
        follow=True,
    )
    assert response.status_code == 200
    if data:  # an empty file is refused by the form itself
        upload = SpreadsheetUpload.objects.get()
        assert (upload.state, upload.outcome_code) == ("rejected", code)
        assert upload.outcome_message() in response.content.decode()
    else:
        assert "empty" in response.content.decode().lower()
    assert StatusUpdate.objects.count() == 0


def test_content_type_from_the_browser_is_not_trusted(client, people, gtm_template):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["gabriel"])
    lie = SimpleUploadedFile(
        "matrix.xlsx",
        bytes(range(256)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    client.post(reverse("spreadsheets"), {"file": lie, "period": "2025"})
    assert SpreadsheetUpload.objects.get().state == "rejected"
    truth = SimpleUploadedFile("whatever.bin", save(gtm_template), content_type="text/plain")
    client.post(reverse("spreadsheets"), {"file": truth, "period": "2025"})
    assert SpreadsheetUpload.objects.latest("id").state == "previewed"
