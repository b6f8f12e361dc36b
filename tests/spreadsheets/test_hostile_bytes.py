"""Issue 19: every byte the parser sees is paid for; no upload failure leaves a 500 or a file
without its record; what is not a spreadsheet is named; CSV as people's tools write it.

Limits are checked by counting (bytes given to the parser, entries), never by timing."""

import codecs
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.db import DatabaseError
from django.urls import reverse
from rest_framework.test import APIClient

from spreadsheets import importer, reading
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import Budget, Rejected, read
from statuses.models import StatusUpdate
from tests.spreadsheets import hostile_files
from tests.spreadsheets.conftest import save

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/spreadsheet-uploads/"


def _api(user, language="en"):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


def _post(api, data: bytes, name="matriz.xlsx", period="2025"):
    file = io.BytesIO(data)
    file.name = name
    return api.post(UPLOADS, {"file": file, "period": period}, format="multipart")


def _refusal(data: bytes, budget: Budget | None = None) -> Rejected:
    with pytest.raises(Rejected) as refused:
        read(data, budget)
    return refused.value


# --- every byte the parser sees ------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        hostile_files.huge_comment_xlsx,
        hostile_files.huge_attribute_xlsx,
        hostile_files.huge_instruction_xlsx,
        hostile_files.huge_comment_ods,
    ],
)
def test_the_issue_98_kb_files_are_refused_before_parsing(build):
    data = build(95)
    assert len(data) < 120 * 1024  # the issue's file: 98 KB
    budget = Budget()
    refused = _refusal(data, budget)
    assert refused.code == "expands_too_much"
    # refused from the archive's directory: not a byte of the 95 MB part was given to expat
    assert budget.parsed > reading.MAX_PARSED - 64 * 1024


@pytest.mark.parametrize(
    "build",
    [
        hostile_files.huge_comment_xlsx,
        hostile_files.huge_attribute_xlsx,
        hostile_files.huge_instruction_xlsx,
        hostile_files.huge_comment_ods,
    ],
)
def test_one_long_piece_of_xml_is_refused_once_it_passes_the_token_limit(build):
    """Under the byte budget (20 MB), one comment, attribute or instruction: expat would re-read
    it from its start at every chunk (minutes); it is refused after about 1 MB."""
    budget = Budget()
    refused = _refusal(build(20), budget)
    assert refused.code == "xml_token_too_long"
    given = reading.MAX_PARSED - budget.parsed
    assert given <= reading.MAX_TOKEN + 4 * reading.CHUNK
    assert "longer than 1024 KB" in str(refused)


def test_many_small_comments_are_read_and_paid_for():
    comments = b"<!-- a note -->" * 2000
    row = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>GTM-PRO-01</t></is></c>'
        b'<c r="B2"><v>3</v></c></row>'
    )
    budget = Budget()
    sheets = read(hostile_files.xlsx_with_sheet(comments + row), budget)
    assert [r.values for r in sheets[0].rows] == [["Code", "New status"], ["GTM-PRO-01", 3]]
    assert reading.MAX_ELEMENTS - budget.elements > 2000  # each comment counted as an element


def test_the_byte_budget_is_for_all_parts_together(monkeypatch):
    monkeypatch.setattr(reading, "MAX_PARSED", 3000)
    filler = b"<row/>" * 400  # 2,400 bytes, an ordinary part under the limit alone
    refused = _refusal(hostile_files.xlsx_with_sheet(filler))
    assert refused.code == "expands_too_much"


def test_a_part_holding_more_than_it_declares_is_damaged():
    data = bytearray(hostile_files.xlsx_with_sheet(b" " * 200_000))
    # the central directory and the local header say the sheet expands to 1,000 bytes
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            length_at = position + (28 if signature == b"PK\x01\x02" else 26)
            start = position + (46 if signature == b"PK\x01\x02" else 30)
            length = int.from_bytes(data[length_at : length_at + 2], "little")
            if data[start : start + length] == name:
                data[position + offset : position + offset + 4] = (1000).to_bytes(4, "little")
            position += 4
    budget = Budget()
    assert _refusal(bytes(data), budget).code == "damaged_zip"
    assert reading.MAX_PARSED - budget.parsed < 64 * 1024


def test_the_issue_files_through_the_api_are_answered_with_the_reason(people):
    api = _api(people["gabriel"])
    for build in (hostile_files.huge_comment_xlsx, hostile_files.huge_comment_ods):
        response = _post(api, build(95), name="matriz.xlsx")
        assert response.status_code == 400
        assert response.json()["outcome_code"] == "expands_too_much"
    assert StatusUpdate.objects.count() == 0


# --- server errors: NUL, huge numbers, orphan files ------------------------------------------


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_a_nul_after_the_first_64_kb_is_refused_with_its_line(people, settings):
    data = hostile_files.nul_after_64k_csv()
    assert b"\x00" not in data[:65536] and b"\x00" in data
    refused = _refusal(data)
    assert refused.code == "nul_in_text"
    assert refused.params["line"] == data[: data.index(b"\x00")].count(b"\n") + 1
    for route in ("api", "page"):
        if route == "api":
            response = _post(_api(people["gabriel"]), data, name="datos.csv")
            assert response.status_code == 400
        else:
            from django.test import Client

            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(people["gabriel"])
            page = client.post(
                reverse("spreadsheets"),
                {"file": io.BytesIO(data), "period": "2025"},
                follow=True,
            )
            assert page.status_code == 200
            assert "NUL character" in page.content.decode()
    uploads = SpreadsheetUpload.objects.all()
    assert [u.outcome_code for u in uploads] == ["nul_in_text", "nul_in_text"]
    # every file on disk has its record, and every record its file
    assert _files(Path(settings.MEDIA_ROOT)) == {u.file.name for u in uploads}


def test_a_nul_in_the_file_name_or_anywhere_in_a_preview_is_stored_safely(people, period):
    data = b"Code,New status,Narrative\nGTM-PRO-01,3,ok\n"
    upload = importer.create_upload(
        data=data, name="ma\x00triz.csv", user=people["gabriel"], period=period
    )
    upload.refresh_from_db()
    assert upload.original_name == "ma\ufffdtriz.csv"
    cleaned = importer.storable({"a": ["x\x00y", float("nan"), {"b\x00": float("inf")}]})
    assert cleaned == {"a": ["x\ufffdy", "nan", {"b\ufffd": "inf"}]}
    ordinary = {"a": [1, "b"]}
    assert importer.storable(ordinary) is ordinary


def test_no_file_is_left_without_its_record_when_the_record_cannot_be_saved(
    people, period, settings, monkeypatch
):
    data = b"Code,New status,Narrative\nGTM-PRO-01,3,ok\n"
    original = SpreadsheetUpload.save

    def failing(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["file"]:
            raise DatabaseError("the disk of the database is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SpreadsheetUpload, "save", failing)
    with pytest.raises(DatabaseError):
        importer.create_upload(data=data, name="m.csv", user=people["gabriel"], period=period)
    assert SpreadsheetUpload.objects.count() == 0
    assert _files(Path(settings.MEDIA_ROOT)) == set()


def test_a_fault_while_reading_is_recorded_and_told_never_a_500(people, monkeypatch, settings):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(importer, "preview", broken)
    response = _post(_api(people["gabriel"], "es"), b"Code,New status\nGTM-PRO-01,3\n", "m.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["outcome_code"] == "read_error"
    assert body["outcome"].startswith("No se pudo leer el archivo por una falla de nuestro lado")
    upload = SpreadsheetUpload.objects.get()
    assert _files(Path(settings.MEDIA_ROOT)) == {upload.file.name}


@pytest.mark.parametrize("version", [10**20, "100000000000000000000", "1e20", 3.5, -1])
def test_a_version_cell_out_of_range_is_a_problem_not_a_500(people, gtm_template, version):
    from tests.spreadsheets.conftest import row_of

    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7).value = 4
    sheet.cell(row, 8).value = "avance"
    sheet.cell(row, 11).value = version
    api = _api(people["gabriel"])
    response = _post(api, save(gtm_template))
    assert response.status_code == 201, response.content
    problems = response.json()["preview"]["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (row, "K", "version_unreadable")
    ]
    applied = api.post(f"{UPLOADS}{response.json()['id']}/apply/", {}, format="json")
    assert applied.status_code == 409
    assert StatusUpdate.objects.count() == 0


def test_a_huge_version_in_a_csv_is_a_problem_too(people, period):
    data = b"Code,New status,Narrative,Version\nGTM-PRO-01,3,ok,100000000000000000000\n"
    preview = importer.create_upload(
        data=data, name="m.csv", user=people["gabriel"], period=period
    ).preview
    assert [p["code"] for p in preview["problems"]] == ["version_unreadable"]


def test_cells_past_the_last_column_and_not_numbers_are_read_safely(people, period):
    """A reference past XFD (5,000 letters) is a damaged part: refused before calamine sees it
    (it would stop the process). Numbers that are not finite are kept as written."""
    far = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>GTM-PRO-01</t></is></c><c r="B2"><v>3</v>'
        b'</c><c r="' + b"Z" * 5000 + b'2"><v>1</v></c></row>'
    )
    refused = _refusal(hostile_files.xlsx_with_sheet(far))
    assert refused.code == "unreadable"
    row = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>GTM-PRO-01</t></is></c><c r="B2"><v>3</v>'
        b'</c><c r="C2"><v>NaN</v></c><c r="D2"><v>1e999</v></c><c r="DA2"><v>1</v></c></row>'
    )
    data = hostile_files.xlsx_with_sheet(row)
    sheet = read(data)[0]
    assert sheet.cut_column == 105
    assert [str(v) for v in sheet.rows[1].values[2:4]] in (["nan", "inf"], ["NaN", "1e999"])
    upload = importer.create_upload(data=data, name="m.xlsx", user=people["gabriel"], period=period)
    assert upload.state == "previewed"
    notes = [n["code"] for s in upload.preview["sheets"] for n in s["notes"]]
    assert "columns_cut" in notes


# --- what is not a spreadsheet ----------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


KINDS = {
    "a PDF with only text up front": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\n", "pdf"),
    "a PNG": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "image"),
    "a JPEG": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40, "image"),
    "a Word document (.docx)": (_docx(), "word"),
    "a Writer document (.odt)": (_odt(), "word"),
    "a Word 97 document (.doc)": (
        reading.OLE_MAGIC + b"\x00" * 64 + "WordDocument".encode("utf-16-le") + b"\x00" * 64,
        "word",
    ),
    "a zip of other things": (hostile_files._zip({"fotos/a.txt": b"hola"}), "zip"),
    "a gzip archive": (b"\x1f\x8b\x08\x00" + b"\x00" * 40, "archive"),
}


@pytest.mark.parametrize("case", list(KINDS))
def test_a_file_that_is_not_a_spreadsheet_is_named(case, people):
    data, kind = KINDS[case]
    refused = _refusal(data)
    assert (refused.code, refused.params) == ("not_spreadsheet_kind", {"kind": kind})
    assert "header" not in str(refused).lower()


def test_a_pdf_is_named_in_both_languages(people):
    data = KINDS["a PDF with only text up front"][0]
    english = _post(_api(people["gabriel"]), data, name="informe.pdf").json()["outcome"]
    assert english.startswith("This file is not a spreadsheet: it looks like a PDF document.")
    spanish = _post(_api(people["gabriel"], "es"), data, name="informe.pdf").json()["outcome"]
    assert spanish.startswith("Este archivo no es una hoja de cálculo: parece un documento PDF.")


def test_a_damaged_old_excel_file_is_unreadable_not_a_500():
    """.xls files are read (issue 21): one whose directory names a workbook but is damaged is
    refused as unreadable, naming the part; one naming nothing is still an old Excel file."""
    data = reading.OLE_MAGIC + b"\x00" * 64 + "Workbook".encode("utf-16-le") + b"\x00" * 64
    assert (_refusal(data).code, _refusal(data).params) == ("unreadable", {"part": "Workbook"})
    assert _refusal(reading.OLE_MAGIC + b"\x00" * 600).code == "legacy_xls"


def test_an_empty_file_is_called_empty_in_good_spanish(people):
    response = _post(_api(people["gabriel"], "es"), b"", name="vacio.xlsx")
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "vacío" in message and "vació" not in message


# --- CSV as people's tools write it --------------------------------------------------------


def _csv_upload(people, period, data: bytes):
    return importer.create_upload(data=data, name="d.csv", user=people["gabriel"], period=period)


def test_a_title_line_above_a_semicolon_header(people, period):
    data = (
        "Informe de avance de Guatemala, 2025\r\n"
        "Código;Estado nuevo;Narrativa\r\n"
        "GTM-PRO-01;3;Se abrió la oficina, por fin\r\n"
    ).encode()
    upload = _csv_upload(people, period, data)
    assert upload.preview["tally"]["changed"] == 1
    (change,) = upload.preview["changes"]
    assert (change["code"], change["new"], change["narrative"]) == (
        "GTM-PRO-01",
        3,
        "Se abrió la oficina, por fin",
    )


def test_one_latin_1_line_in_a_utf_8_file_is_read_right_and_named(people, period):
    data = (
        "Código,Nuevo estado,Narrativa\n".encode()
        + "GTM-PRO-01,3,Educación en marcha\n".encode()
        + "GTM-PRO-02,2,Educación pendiente\n".encode("latin-1")
    )
    upload = _csv_upload(people, period, data)
    narratives = {c["code"]: c["narrative"] for c in upload.preview["changes"]}
    assert narratives == {"GTM-PRO-01": "Educación en marcha", "GTM-PRO-02": "Educación pendiente"}
    (note,) = [n for s in upload.preview["sheets"] for n in s["notes"]]
    assert note["params"]["rows"] == [3]
    message = importer.render(note["code"], note["params"])
    assert message.startswith("Row 3 is not in UTF-8 like the rest of the file")


def test_a_whole_windows_1252_file_is_read_without_a_note(people, period):
    data = "Código;Estado;Narrativa\r\nGTM-PRO-01;2;Estadísticas\r\n".encode("cp1252")
    upload = _csv_upload(people, period, data)
    assert upload.preview["changes"][0]["narrative"] == "Estadísticas"
    assert [n for s in upload.preview["sheets"] for n in s["notes"]] == []


def test_excels_csv_ms_dos_code_page_850_is_read_with_its_accents(people, period):
    # Excel's "CSV (MS-DOS)": "ó" is the byte Windows-1252 reads as "¢", and "É" one it lacks
    data = "Código,Situación,Narrativa\r\nGTM-PRO-01,2,Éxito en la capacitación\r\n"
    upload = _csv_upload(people, period, data.encode("cp850"))
    (change,) = upload.preview["changes"]
    assert (change["new"], change["narrative"]) == (2, "Éxito en la capacitación")
    assert [n for s in upload.preview["sheets"] for n in s["notes"]] == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),  # Excel's "Unicode text"
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("utf-16-le"),  # no byte-order mark
    ],
)
def test_utf_16_text_is_read(people, period, encode):
    text = "Código\tNuevo estado\tNarrativa\r\nGTM-PRO-01\t4\tEducación, salud\r\n"
    upload = _csv_upload(people, period, encode(text))
    (change,) = upload.preview["changes"]
    assert (change["new"], change["narrative"]) == (4, "Educación, salud")


def test_binary_that_looks_like_utf_16_is_not_a_spreadsheet():
    assert _refusal(b"\x00\x01" * 100).code == "not_spreadsheet"


def test_an_excel_workbook_is_still_read_after_all_this(gtm_template):
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status"])
    book.active.append(["GTM-PRO-01", 3])
    assert [r.values for r in read(save(book))[0].rows][1] == ["GTM-PRO-01", 3]
