"""Files written by LibreOffice (made once by make_files.py and committed): .ods and .xlsx."""

from pathlib import Path

import pytest

from commitments.models import StatusUpdate
from commitments.spreadsheets import importer
from commitments.spreadsheets.reading import inspect

FILES = Path(__file__).with_name("files")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["gtm-template-filled.ods", "gtm-template-filled-libreoffice.xlsx"]
)
def test_filled_template_saved_by_libreoffice(name, people, period):
    data = (FILES / name).read_bytes()
    assert inspect(data) == ("ods" if name.endswith(".ods") else "xlsx")
    result = importer.preview(data, user=people["gabriel"], period=period)
    assert result["sheet"] == "Matriz" and result["header_row"] == 1
    assert result["meta"]["period"] == "2025" and not result["file_problems"]
    changes = {c["code"]: c["new"] for c in result["changes"]}
    assert changes == {"GTM-PRO-01": 3, "GTM-PRO-02": 5, "GTM-PRO-03": 2}
    problems = {p["row"]: p["message"] for p in result["problems"]}
    assert "formula" in problems[5]  # GTM-PRO-04 holds =1+1
    assert "out of range" in problems[6]  # GTM-PRO-05 holds 8
    assert len(result["unchanged"]) == 25


@pytest.mark.parametrize("name", ["handmade-no-codes.ods", "handmade-no-codes-libreoffice.xlsx"])
def test_handmade_sheet_saved_by_libreoffice(name, people, period):
    result = importer.preview((FILES / name).read_bytes(), user=people["gabriel"], period=period)
    assert (result["sheet"], result["header_row"]) == ("Avances", 4)
    assert {c["code"]: (c["new"], c["match"]) for c in result["changes"]} == {
        "GTM-EDU-01": (3, "text"),
        "GTM-HEA-01": (2, "text"),
    }
    assert [p["row"] for p in result["problems"]] == [8]


def test_apply_an_ods_upload(people, period):
    data = (FILES / "gtm-template-filled.ods").read_bytes()
    upload = importer.create_upload(
        data=data, name="matriz.ods", user=people["gabriel"], period=period
    )
    assert importer.apply(upload, user=people["gabriel"]) == 3
    assert StatusUpdate.objects.filter(source="spreadsheet").count() == 3
