"""Issue 11: the workspace's files say so when synthetic demo statuses are loaded: the matrix
and the list export (.xlsx) in their instructions sheet, so the data sheet still uploads back
unchanged; the tracker export on every row."""

import io

import openpyxl
import pytest
from django.urls import reverse

from demo.services import seed_demo
from spreadsheets import importer
from spreadsheets.template import INSTRUCTIONS_SHEET

NOTICE = {
    "en": "Demo data: the statuses shown are synthetic",
    "es": "Datos de demostración: los estados",
}


def instructions(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    # the instructions sheet (after the data sheet, and the indicators sheet in the template)
    (sheet,) = [book[name] for name in INSTRUCTIONS_SHEET.values() if name in book.sheetnames]
    return "\n".join(str(r[0] or "") for r in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("language", ["en", "es"])
def test_list_export_and_matrix_carry_the_demo_notice(client, people, period, language):
    client.force_login(people["gabriel"])
    export = reverse("commitments-export", kwargs={"fmt": "xlsx"})
    matrix = "/workspace/spreadsheets/matrix.xlsx"
    matrix_params = {"countries": "GTM", "period": "2025", "language": language}
    before = client.get(export, {"country": "GTM"}, HTTP_ACCEPT_LANGUAGE=language)
    assert NOTICE[language] not in instructions(before.content)  # no demo data yet
    seed_demo()
    listed = client.get(export, {"country": "GTM"}, HTTP_ACCEPT_LANGUAGE=language)
    assert NOTICE[language] in instructions(listed.content)
    response = client.get(matrix, matrix_params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert NOTICE[language] in instructions(response.content)
    # the data sheet is untouched: the file uploads back with nothing to change
    upload = importer.create_upload(
        data=listed.content, name="list.xlsx", user=people["gabriel"], period=period
    )
    assert (upload.preview["problems"], upload.preview["file_problems"]) == ([], [])
    assert upload.preview["tally"]["read"] == 30 and upload.preview["tally"]["changed"] == 0


def test_tracker_export_flags_every_row(client, people, period):
    client.force_login(people["sofia"])
    seed_demo()
    book = openpyxl.load_workbook(io.BytesIO(client.get("/workspace/tracker.xlsx").content))
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][-1] == "Demo data"
        assert len(rows) > 1
        assert all(r[-1] == "Synthetic demo data, not real reports" for r in rows[1:])
