"""Findings 2 and 6: a version that names no row is a clear refusal, never a 500; narratives have
a length limit with a clear message on every route. Nothing is written in either case."""

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import Conflict, record_status
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

CODE = "GTM-PRO-01"
LIMIT = StatusUpdate.NARRATIVE_MAX_LENGTH


def _matrix_data(code, base_version, narrative="Progress made"):
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-commitment": code,
        "form-0-base_version": str(base_version),
        "form-0-status": "2",
        "form-0-narrative": narrative,
    }


# --- 2. base_version naming no row of that commitment and period ------------------------


def test_api_base_version_without_a_row_is_a_400_naming_the_field(people):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["gabriel"])
    response = api.post(
        "/api/v1/status-updates/",
        {"commitment": CODE, "period": "2024", "status": 2, "narrative": "x", "base_version": 1},
        format="json",
    )
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["base_version"])
    assert "no status" in message and CODE in message and "2024" in message
    assert not StatusUpdate.objects.exists()


def test_matrix_base_version_without_a_row_marks_the_row(client, people):
    client.force_login(people["gabriel"])
    url = reverse("country-matrix", kwargs={"iso3": "GTM"}) + "?period=2024"
    response = client.post(url, _matrix_data(CODE, 7))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and "no status" in html
    assert not StatusUpdate.objects.exists()


def test_commitment_form_base_version_without_a_row_says_so(client, people):
    client.force_login(people["gabriel"])
    url = reverse("workspace-commitment", kwargs={"code": CODE}) + "?period=2024"
    response = client.post(url, {"status": "2", "narrative": "x", "base_version": "7"})
    assert response.status_code == 200
    assert "no status" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_a_conflict_with_nothing_reads_clearly():
    assert "no status" in str(Conflict(None))


def test_base_version_of_another_periods_row_is_still_a_409(people):
    other = record_status(
        commitment=Commitment.objects.get(code=CODE),
        period=ReportingPeriod.objects.get(code="2023"),
        status=1,
        narrative="Started",
        user=people["sofia"],
    )
    mine = record_status(
        commitment=Commitment.objects.get(code=CODE),
        period=ReportingPeriod.objects.get(code="2024"),
        status=2,
        narrative="More",
        user=people["sofia"],
    )
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["gabriel"])
    payload = {"commitment": CODE, "period": "2024", "status": 3, "narrative": "y"}
    response = api.post(
        "/api/v1/status-updates/", {**payload, "base_version": other.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["id"] == mine.pk


# --- 6. narrative length ---------------------------------------------------------------


def test_api_refuses_a_narrative_over_the_limit(people):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["gabriel"])
    payload = {"commitment": CODE, "period": "2024", "status": 2, "base_version": 0}
    too_long = api.post(
        "/api/v1/status-updates/", {**payload, "narrative": "x" * (LIMIT + 1)}, format="json"
    )
    assert too_long.status_code == 400
    assert str(LIMIT) in " ".join(too_long.json()["narrative"])
    assert not StatusUpdate.objects.exists()
    at_limit = api.post(
        "/api/v1/status-updates/", {**payload, "narrative": "x" * LIMIT}, format="json"
    )
    assert at_limit.status_code == 201


def test_service_refuses_a_narrative_over_the_limit(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        record_status(
            commitment=Commitment.objects.get(code=CODE),
            period=ReportingPeriod.objects.get(code="2024"),
            status=2,
            narrative="x" * (LIMIT + 1),
            user=people["sofia"],
        )
    assert str(LIMIT) in " ".join(error.value.message_dict["narrative"])
    assert not StatusUpdate.objects.exists()


def test_pages_refuse_a_narrative_over_the_limit(client, people):
    client.force_login(people["gabriel"])
    page = client.post(
        reverse("workspace-commitment", kwargs={"code": CODE}) + "?period=2024",
        {"status": "2", "narrative": "x" * (LIMIT + 1), "base_version": "0"},
    )
    assert page.status_code == 200 and str(LIMIT) in page.content.decode()
    matrix = client.post(
        reverse("country-matrix", kwargs={"iso3": "GTM"}) + "?period=2024",
        _matrix_data(CODE, 0, narrative="x" * (LIMIT + 1)),
    )
    assert matrix.status_code == 200 and str(LIMIT) in matrix.content.decode()
    assert not StatusUpdate.objects.exists()


def test_spreadsheet_preview_marks_a_narrative_over_the_limit(people):
    from countries.models import Country
    from spreadsheets import importer
    from spreadsheets.formats import COLUMNS
    from spreadsheets.messages import render
    from spreadsheets.template import build_matrix

    period = ReportingPeriod.objects.get(code="2025")
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "en", people["gabriel"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    keys = [column.key for column in COLUMNS]
    status_col, narrative_col = keys.index("status") + 1, keys.index("narrative") + 1
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == CODE)
    sheet.cell(row=row, column=status_col, value=3)
    sheet.cell(row=row, column=narrative_col, value="x" * (LIMIT + 1))
    buffer = io.BytesIO()
    book.save(buffer)
    upload = importer.create_upload(
        data=buffer.getvalue(), name="m.xlsx", user=people["gabriel"], period=period
    )
    assert not upload.preview["changes"]
    messages = [render(p["code"], p.get("params")) for p in upload.preview["problems"]]
    assert any(str(LIMIT) in message for message in messages), messages
