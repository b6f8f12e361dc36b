"""A sheet's evidence link goes through the same rule as the form and the API (mirps/links.py):
a link over 500 characters is a row problem with a message (it answered 500 on PostgreSQL), and
www.… is completed to https://… ."""

import pytest

from statuses.models import StatusUpdate
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db

LONG = "https://example.org/" + "a" * 481  # 501 characters


def upload(client, user, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    return client.post(
        "/workspace/spreadsheets/",
        {"file": SimpleUploadedFile("matriz.xlsx", data), "period": "2025"},
        follow=True,
    )


def test_a_long_link_in_a_sheet_is_a_row_problem_not_a_server_error(people, gtm_template, client):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7, 3)
    sheet.cell(row, 8, "Done")
    sheet.cell(row, 9, LONG)
    response = upload(client, people["gabriel"], save(gtm_template))
    assert response.status_code == 200
    upload_row = response.context["upload"]
    problems = upload_row.preview["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (row, "I", "evidence_too_long")
    ]
    assert "the limit is 500" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_www_in_a_sheet_is_stored_with_https(people, gtm_template, client):
    sheet = gtm_template["Matriz"]
    row = row_of(sheet, "GTM-PRO-01")
    sheet.cell(row, 7, 3)
    sheet.cell(row, 8, "Done")
    sheet.cell(row, 9, "www.example.org/report.pdf")
    response = upload(client, people["gabriel"], save(gtm_template))
    upload_row = response.context["upload"]
    assert upload_row.preview["problems"] == []
    (change,) = upload_row.preview["changes"]
    assert change["evidence_url"] == "https://www.example.org/report.pdf"
    client.post(f"/workspace/spreadsheets/{upload_row.pk}/apply/", {})
    assert StatusUpdate.objects.get().evidence_url == "https://www.example.org/report.pdf"
