"""Working offline on the downloaded matrix (issue 21, point 3): an upload compares three ways,
what the sheet held at download (the row its version cell names), what the team sent, and what
the server has now. A row the team left as downloaded is not a conflict, whatever the server
did since (the server's newer row stands, and the preview says so in a line); a row changed on
both sides is a conflict naming who changed it and when, and nothing of it is written.

People: gabriel, Guatemala's team; sofia, the secretariat. Runs on SQLite and PostgreSQL.
"""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from commitments.models import Commitment
from countries.models import Country
from spreadsheets import importer
from spreadsheets.messages import render
from spreadsheets.template import build_matrix
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db

STATUS, NARRATIVE, VERSION = 7, 8, 11  # the matrix's columns (G, H, K)
UPLOADS = "/api/v1/spreadsheet-uploads/"


def record(code, status, user, period, narrative="", base=0):
    return record_status(
        commitment=Commitment.objects.get(code=code), period=period, status=status,
        narrative=narrative or f"status {status}", user=user, base_version=base,
    )  # fmt: skip


def newest(code, period):
    return (
        StatusUpdate.objects.filter(commitment__code=code, period=period)
        .order_by("-created_at", "-id")
        .first()
    )


@pytest.fixture
def offline(people, period):
    """The team records GTM-PRO-01 (2) and GTM-PRO-02 (1) in the period, downloads the matrix
    and works on it offline; meanwhile the secretariat corrects GTM-PRO-01 to 3."""
    gabriel, sofia = people["gabriel"], people["sofia"]
    first = record("GTM-PRO-01", 2, gabriel, period, "first report")
    second = record("GTM-PRO-02", 1, gabriel, period, "started")
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es", gabriel)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Matriz"]
    assert sheet.cell(row_of(sheet, "GTM-PRO-01"), VERSION).value == first.pk
    assert sheet.cell(row_of(sheet, "GTM-PRO-02"), VERSION).value == second.pk
    correction = record("GTM-PRO-01", 3, sofia, period, "corrected by the secretariat", first.pk)
    return book, correction


def test_a_row_left_as_downloaded_is_not_a_conflict_and_the_server_value_stands(
    people, period, offline
):
    book, correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-03")
    sheet.cell(row, STATUS, 4)  # the team's only change
    sheet.cell(row, NARRATIVE, "Oficinas abiertas")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=period
    )
    preview = upload.preview
    assert preview["problems"] == [] and preview["file_problems"] == []
    assert [c["code"] for c in preview["changes"]] == ["GTM-PRO-03"]
    # the preview's line for the row the team left and the secretariat corrected
    (line,) = preview["newer_on_server"]
    assert line["row"] == row_of(sheet, "GTM-PRO-01")
    assert line["params"]["who"] == "sofia" and line["params"]["status"] == 3
    assert line["params"]["old"] == 2
    with translation.override("en"):
        message = render(line["code"], line["params"])
    assert message.startswith("GTM-PRO-01 was left as downloaded (“2 - ")
    assert "since then sofia recorded “3 - " in message and "Theirs stands" in message
    with translation.override("es"):
        assert "quedó como se descargó" in render(line["code"], line["params"])
    # the plain apply is not refused, and the secretariat's correction is not overwritten
    assert importer.apply(upload, user=people["gabriel"]) == 1
    assert newest("GTM-PRO-01", period).pk == correction.pk
    assert newest("GTM-PRO-03", period).status == 4


def test_a_row_changed_on_both_sides_is_a_conflict_and_nothing_is_overwritten(
    people, period, offline
):
    book, correction = offline
    sheet = book["Matriz"]
    both = row_of(sheet, "GTM-PRO-01")
    sheet.cell(both, STATUS, 5)
    sheet.cell(both, NARRATIVE, "Terminado")
    mine = row_of(sheet, "GTM-PRO-03")
    sheet.cell(mine, STATUS, 4)
    sheet.cell(mine, NARRATIVE, "Oficinas abiertas")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=period
    )
    (problem,) = upload.preview["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (
        both, "K", "changed_since_download"
    )  # fmt: skip
    params = problem["params"]
    assert params["who"] == "sofia" and params["status"] == 3 and params["old"] == 2
    assert params["when"]  # when they changed it, as the reader's clock shows it
    with translation.override("en"):
        message = render(problem["code"], params)
    assert message.startswith("sofia recorded “3 - ")
    assert "after this file was downloaded" in message
    assert upload.preview["newer_on_server"] == []
    with pytest.raises(ValidationError) as refused:
        importer.apply(upload, user=people["gabriel"])
    assert refused.value.code == "apply_has_problems"
    assert newest("GTM-PRO-03", period) is None
    # the person may skip the conflict and write the rest: the correction still stands
    assert importer.apply(upload, user=people["gabriel"], skip_problems=True) == 1
    assert newest("GTM-PRO-01", period).pk == correction.pk
    assert newest("GTM-PRO-03", period).status == 4


def test_the_same_narrative_or_status_on_both_sides_is_not_a_conflict(people, period, offline):
    book, _correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, STATUS, 3)  # the team made the secretariat's correction too
    preview = importer.preview(save(book), user=people["gabriel"], period=period)
    assert preview["problems"] == [] and preview["changes"] == []
    assert preview["newer_on_server"] == []  # nothing differs from the server: no line


def test_a_narrative_written_on_a_row_the_server_corrected_is_a_conflict(people, period, offline):
    book, _correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, NARRATIVE, "Más detalles sobre el 2")  # same status, a new narrative
    preview = importer.preview(save(book), user=people["gabriel"], period=period)
    assert [p["code"] for p in preview["problems"]] == ["changed_since_download"]


def test_a_row_changed_only_by_the_team_is_applied(people, period, offline):
    book, _correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-02")  # recorded before the download, not touched since
    sheet.cell(row, STATUS, 4)
    sheet.cell(row, NARRATIVE, "Avanza")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert upload.preview["problems"] == []
    (change,) = upload.preview["changes"]
    assert change["code"] == "GTM-PRO-02" and change["new"] == 4
    before = newest("GTM-PRO-02", period)
    assert change["base_version"] == before.pk
    assert len(upload.preview["newer_on_server"]) == 1  # GTM-PRO-01, left as downloaded
    assert importer.apply(upload, user=people["gabriel"]) == 1
    written = newest("GTM-PRO-02", period)
    assert (written.status, written.previous_id) == (4, before.pk)


def test_a_row_empty_at_download_and_recorded_since(people, period, gtm_template):
    """Version 0: nothing was recorded at download. Left empty, the server's row stands with
    no line (nothing was shown); filled in, it was changed on both sides."""
    sheet = gtm_template["Matriz"]
    record("GTM-EDU-01", 4, people["sofia"], period)
    record("GTM-EDU-02", 4, people["sofia"], period)
    row = row_of(sheet, "GTM-EDU-02")
    sheet.cell(row, STATUS, 5)
    sheet.cell(row, NARRATIVE, "Terminado")
    preview = importer.preview(save(gtm_template), user=people["gabriel"], period=period)
    (problem,) = preview["problems"]
    assert (problem["row"], problem["code"]) == (row, "changed_since_download")
    assert problem["params"]["old"] is None
    assert preview["newer_on_server"] == []


def test_a_version_cell_of_another_commitment_is_still_a_mismatch(people, period, offline):
    book, correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-02")
    sheet.cell(row, STATUS, 4)
    sheet.cell(row, NARRATIVE, "x")
    sheet.cell(row, VERSION, correction.pk)  # GTM-PRO-01's row, copied
    preview = importer.preview(save(book), user=people["gabriel"], period=period)
    assert [p["code"] for p in preview["problems"]] == ["version_mismatch"]


def test_the_round_trip_through_the_api_and_the_page(people, period, offline, client):
    book, correction = offline
    sheet = book["Matriz"]
    row = row_of(sheet, "GTM-PRO-03")
    sheet.cell(row, STATUS, 4)
    sheet.cell(row, NARRATIVE, "Oficinas abiertas")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(save(book))
    file.name = "matriz.xlsx"
    body = api.post(UPLOADS, {"file": file, "period": "2025"}, format="multipart").json()
    assert body["changed"] == 1 and body["problems"] == 0
    (line,) = body["preview"]["newer_on_server"]
    assert line["message"].startswith("GTM-PRO-01 quedó como se descargó («2 - ")
    client.force_login(people["gabriel"])
    page = client.get(
        reverse("spreadsheet-upload", kwargs={"pk": body["id"]}), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Registrado después de la descarga (se mantiene)" in page
    assert "quedó como se descargó" in page
    applied = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert applied.status_code == 200, applied.content
    assert newest("GTM-PRO-01", period).pk == correction.pk


def test_an_indicator_row_left_as_downloaded_is_not_a_conflict(people, period):
    """The indicators sheet's new-value column is empty at download, so a row left as it was
    asks for nothing, whatever was recorded since; a value written there while someone else
    recorded one is a conflict (``test_indicator_sheet``)."""
    from indicators.loading import load_indicators
    from indicators.models import Indicator, IndicatorValue

    load_indicators()
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es", people["gabriel"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="REF_RECOGNISED"),
        country=Country.objects.get(iso3="GTM"), value=590, period_start=period.start_date,
        period_end=period.end_date, source_document="X", source_section="1", route="web",
        created_by=people["sofia"], review_state="approved",
    )  # fmt: skip
    preview = importer.preview(save(book), user=people["gabriel"], period=period)
    assert preview["problems"] == [] and preview["indicator_changes"] == []
