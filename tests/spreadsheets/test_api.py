"""The upload endpoint: the same preview, correction and all-or-nothing apply as the page."""

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/spreadsheet-uploads/"


def _api(user, language="en"):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


def _post(api, data: bytes, period="2025", name="matriz.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return api.post(UPLOADS, {"file": file, "period": period}, format="multipart")


def test_upload_preview_then_apply(people, gtm_template):
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, 4)
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "Done mostly")
    api = _api(people["gabriel"])
    created = _post(api, save(gtm_template))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "previewed" and body["changed"] == 1
    assert body["preview"]["changes"][0]["code"] == "GTM-PRO-01"
    assert body["preview"]["tally"]["read"] == 30
    assert StatusUpdate.objects.count() == 0
    applied = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert applied.status_code == 200 and applied.json()["state"] == "applied"
    assert applied.json()["mode"] == "all"
    assert applied.json()["outcome"] == "1 status recorded."
    assert StatusUpdate.objects.get().source == "spreadsheet"
    again = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_done"


def test_apply_refuses_a_file_with_problems_and_apply_valid_rows_is_recorded(people, gtm_template):
    sheet = gtm_template["Matriz"]
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 7, 4)
    sheet.cell(row_of(sheet, "GTM-PRO-01"), 8, "ok")
    bad = row_of(sheet, "GTM-PRO-02")
    sheet.cell(bad, 7, "banana")
    api = _api(people["gabriel"])
    body = _post(api, save(gtm_template)).json()
    (problem,) = body["preview"]["problems"]
    assert (problem["sheet"], problem["row"], problem["column"], problem["code"]) == (
        "Matriz",
        bad,
        "G",
        "status_unknown",
    )
    assert problem["params"] == {"value": "banana"}
    assert problem["message"].startswith("“banana” is not a status")
    refused = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "apply_has_problems"
    assert StatusUpdate.objects.count() == 0
    valid = api.post(f"{UPLOADS}{body['id']}/apply-valid-rows/", {}, format="json")
    assert valid.status_code == 200
    assert (valid.json()["mode"], valid.json()["skipped"], valid.json()["applied"]) == (
        "valid_rows",
        1,
        1,
    )
    assert list(StatusUpdate.objects.values_list("commitment__code", flat=True)) == ["GTM-PRO-01"]


def test_correct_columns_by_letter(people):
    book = openpyxl.Workbook()
    book.active.title = "Datos"
    book.active.append(["Código", "Ejecución a diciembre", "Narrativa"])
    book.active.append(["GTM-PRO-09", "4", "Instituciones fortalecidas"])
    api = _api(people["gabriel"])
    body = _post(api, save(book)).json()
    assert [p["code"] for p in body["preview"]["file_problems"]] == ["no_header"]
    assert body["preview"]["sheets"][0]["role"] == "no_header"
    corrected = api.post(
        f"{UPLOADS}{body['id']}/columns/",
        {"sheet": "Datos", "columns": {"status": "B"}},
        format="json",
    )
    assert corrected.status_code == 200, corrected.content
    preview = corrected.json()["preview"]
    assert preview["file_problems"] == [] and preview["changes"][0]["new"] == 4
    assert corrected.json()["columns"] == {"Datos": {"status": 1}}
    bad = api.post(f"{UPLOADS}{body['id']}/columns/", {"columns": {"status": "B2"}}, format="json")
    assert bad.status_code == 400
    unknown = api.post(f"{UPLOADS}{body['id']}/columns/", {"columns": {"x": "B"}}, format="json")
    assert unknown.status_code == 400
    assert api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json").status_code == 200


def test_the_issue_locked_period_says_it_is_locked(people, gtm_template):
    ReportingPeriod.objects.filter(code="2022").update(locked=True)
    api = _api(people["gabriel"])
    response = _post(api, save(gtm_template), period="2022")
    assert response.status_code == 400
    (message,) = response.json()["period"]
    assert "The period 2022 is locked" in message and "does not exist" not in message
    unknown = _post(api, save(gtm_template), period="1999")
    assert unknown.json()["period"] == ["Unknown reporting period: 1999"]


def test_messages_follow_the_request_language(people, gtm_template):
    gtm_template["Matriz"].cell(2, 7, 9)
    body = _post(_api(people["gabriel"], "es"), save(gtm_template)).json()
    spanish = body["preview"]["problems"][0]["message"]
    english = _api(people["gabriel"], "en").get(f"{UPLOADS}{body['id']}/").json()
    assert english["preview"]["problems"][0]["message"] != spanish
    assert "outside the scale" in english["preview"]["problems"][0]["message"]


def test_rejected_file_is_400_with_the_reason(people):
    response = _post(_api(people["gabriel"]), b"\x00\x01" * 100)
    assert response.status_code == 400
    assert response.json()["outcome_code"] == "not_spreadsheet"
    assert "not a spreadsheet" in response.json()["outcome"]


def test_uploads_are_private_to_their_author_and_the_secretariat(people, gtm_template):
    from tests.builders import member

    upload_id = _post(_api(people["gabriel"]), save(gtm_template)).json()["id"]
    other = _api(member("hugo", "HND"))
    assert other.get(f"{UPLOADS}{upload_id}/").status_code == 404
    assert other.post(f"{UPLOADS}{upload_id}/apply/").status_code == 404
    assert other.post(f"{UPLOADS}{upload_id}/apply-valid-rows/").status_code == 404
    assert other.post(f"{UPLOADS}{upload_id}/columns/", {}, format="json").status_code == 404
    assert _api(people["sofia"]).get(f"{UPLOADS}{upload_id}/").status_code == 200
    assert APIClient().get(UPLOADS).status_code in (401, 403)
