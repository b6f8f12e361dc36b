"""The upload endpoint: the same preview and atomic apply as the page."""

import io

import pytest
from rest_framework.test import APIClient

from commitments.models import StatusUpdate

from .conftest import row_of, save

pytestmark = pytest.mark.django_db


def test_upload_preview_then_apply(people, gtm_template):
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, 4)
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "Done mostly")
    api = APIClient()
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(save(gtm_template))
    file.name = "matriz.xlsx"
    created = api.post(
        "/api/v1/spreadsheet-uploads/", {"file": file, "period": "2025"}, format="multipart"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "previewed" and body["changed"] == 1
    assert body["preview"]["changes"][0]["code"] == "GTM-PRO-01"
    assert StatusUpdate.objects.count() == 0
    applied = api.post(f"/api/v1/spreadsheet-uploads/{body['id']}/apply/", {}, format="json")
    assert applied.status_code == 200 and applied.json()["state"] == "applied"
    assert StatusUpdate.objects.get().source == "spreadsheet"
    again = api.post(f"/api/v1/spreadsheet-uploads/{body['id']}/apply/", {}, format="json")
    assert again.status_code == 409


def test_rejected_file_is_400_with_the_reason(people):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(b"a,b\n1,2\n")
    file.name = "matrix.xlsx"
    response = api.post(
        "/api/v1/spreadsheet-uploads/", {"file": file, "period": "2025"}, format="multipart"
    )
    assert response.status_code == 400 and "CSV" in response.json()["outcome"]


def test_uploads_are_private_to_their_author_and_the_secretariat(people, gtm_template):
    from tests.builders import member

    api = APIClient()
    api.force_authenticate(people["gabriel"])
    file = io.BytesIO(save(gtm_template))
    file.name = "m.xlsx"
    upload_id = api.post(
        "/api/v1/spreadsheet-uploads/", {"file": file, "period": "2025"}, format="multipart"
    ).json()["id"]
    other = APIClient()
    other.force_authenticate(member("hugo", "HND"))
    assert other.get(f"/api/v1/spreadsheet-uploads/{upload_id}/").status_code == 404
    assert other.post(f"/api/v1/spreadsheet-uploads/{upload_id}/apply/").status_code == 404
    staff = APIClient()
    staff.force_authenticate(people["sofia"])
    assert staff.get(f"/api/v1/spreadsheet-uploads/{upload_id}/").status_code == 200
    assert APIClient().get("/api/v1/spreadsheet-uploads/").status_code in (401, 403)
