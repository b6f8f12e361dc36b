"""Issue 21: a PDF or a Word document, whatever its name, is told "this is not a spreadsheet"
(in the reader's language), never given advice about header rows; an empty file is "empty"
("está vacío" in Spanish) on every route."""

import io
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from spreadsheets.reading import OLE_MAGIC, Rejected, inspect

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/spreadsheet-uploads/"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ole(*streams: str) -> bytes:
    """An OLE compound file whose directory names ``streams`` (what ``inspect`` reads)."""
    header = OLE_MAGIC + b"\x00" * (512 - len(OLE_MAGIC))
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in streams)
    return header + directory.ljust(2048, b"\x00")


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = _zip(
    {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "word/document.xml": b"<w:document/>",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
WORD_2003_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<?mso-application progid="Word.Document"?>\n'
    b'<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">'
    b"<w:body><w:p><w:r><w:t>Informe</w:t></w:r></w:p></w:body></w:wordDocument>"
)

DOCUMENTS = {
    "pdf": [
        PDF,
        b"\r\n" + PDF,  # some mail programs put a line before it
        b"\xef\xbb\xbf" + PDF,
        b"junk" * 100 + PDF,  # %PDF- may come anywhere in the first 1,024 bytes
    ],
    "word": [
        _ole("Root Entry", "WordDocument", "1Table"),  # Word 97-2003 (.doc)
        DOCX,
        ODT,
        WORD_2003_XML,
    ],
}


@pytest.mark.parametrize(
    "data,kind", [(data, kind) for kind, files in DOCUMENTS.items() for data in files]
)
def test_a_document_is_named_whatever_its_bytes_start_with(data, kind):
    with pytest.raises(Rejected) as refused:
        inspect(data)
    assert refused.value.code == "not_spreadsheet_kind"
    assert refused.value.params == {"kind": kind}


def _api(user, language):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


def _post(api, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return api.post(UPLOADS, {"file": file, "period": "2025"}, format="multipart")


NAMES = ["matriz.xlsx", "matriz.csv", "matriz.ods", "matriz.xls", "matriz"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind,data", [("pdf", PDF), ("word", DOCX), ("doc", DOCUMENTS["word"][0])])
def test_the_api_says_not_a_spreadsheet_in_spanish_and_english(people, name, kind, data):
    for language, said, what in [
        ("es", "no es una hoja de cálculo", {"pdf": "PDF", "word": "texto", "doc": "texto"}),
        ("en", "not a spreadsheet", {"pdf": "PDF", "word": "text", "doc": "text"}),
    ]:
        response = _post(_api(people["gabriel"], language), data, name)
        assert response.status_code == 400, response.content
        body = response.json()
        message = body["outcome"]
        assert said in message and what[kind] in message, message
        assert "encabezado" not in message and "header" not in message.lower()


def test_the_upload_page_says_not_a_spreadsheet(people, client):
    client.force_login(people["gabriel"])
    file = io.BytesIO(PDF)
    file.name = "matriz.xlsx"
    response = client.post(
        reverse("spreadsheets"),
        {"file": file, "period": "2025"},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    text = response.content.decode()
    assert "no es una hoja de cálculo" in text and "parece un documento PDF" in text
    assert "fila de encabezado" not in text


def test_an_empty_file_is_empty_in_spanish_on_every_route(people, client):
    api = _api(people["gabriel"], "es")
    response = _post(api, b"", "matriz.xlsx")
    assert response.status_code == 400
    assert "está vacío" in str(response.json()) and "vació" not in str(response.json())
    client.force_login(people["gabriel"])
    file = io.BytesIO(b"")
    file.name = "matriz.xlsx"
    page = client.post(
        reverse("spreadsheets"), {"file": file, "period": "2025"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    text = page.content.decode()
    assert "El archivo está vacío" in text and "vació" not in text
