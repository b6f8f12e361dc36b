"""The monitoring matrix with two editions loaded (issue 22): the template of a period lists
the commitments of the edition in force at its end, and a row of another edition is refused
by the write service's rule, in the preview and at apply, in the reader's language. Belize's
2024-2026 edition starts on 1 January 2024."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment
from countries.models import Country
from periods.models import ReportingPeriod
from spreadsheets import importer
from spreadsheets.messages import entry_message
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.template import build_matrix
from statuses.models import StatusUpdate
from tests.builders import member
from tests.editions import load_belize_2024
from tests.spreadsheets.conftest import row_of, save

pytestmark = pytest.mark.django_db

NEW = {
    "BLZ24-PRO-01", "BLZ24-PRO-02", "BLZ24-PRO-03", "BLZ24-PRO-04", "BLZ24-PRO-05",
    "BLZ24-PRO-06", "BLZ24-EDU-01", "BLZ24-JOB-01", "BLZ24-JOB-02",
}  # fmt: skip


@pytest.fixture
def bea(people):
    return member("bea", "BLZ")


def _template(user, code, language="en"):
    data = build_matrix([Country.objects.get(iso3="BLZ")], ReportingPeriod.objects.get(code=code),
                        language, user)  # fmt: skip
    return openpyxl.load_workbook(io.BytesIO(data))


def _codes(book):
    sheet = book.worksheets[0]
    return {row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value}


def test_the_template_lists_the_edition_in_force_at_the_periods_end(bea):
    old = set(Commitment.objects.filter(country__iso3="BLZ").values_list("code", flat=True))
    assert _codes(_template(bea, "2025")) == old  # one edition: as before
    load_belize_2024()
    assert _codes(_template(bea, "2025")) == NEW
    assert _codes(_template(bea, "2024")) == NEW
    assert _codes(_template(bea, "2023")) == old


def test_the_download_page_and_the_list_export_follow_the_period(client, people, bea):
    load_belize_2024()
    client.force_login(bea)
    response = client.get(
        reverse("matrix-download"), {"countries": "BLZ", "period": "2023", "language": "en"}
    )
    assert "BLZ-PRO-03" in _codes(openpyxl.load_workbook(io.BytesIO(response.content)))
    response = client.get(
        reverse("commitments-export", kwargs={"fmt": "xlsx"}),
        {"country": "BLZ", "period": "2025"},
    )
    assert _codes(openpyxl.load_workbook(io.BytesIO(response.content))) == NEW


def test_the_template_costs_the_same_queries_with_two_editions(
    people, bea, django_assert_num_queries
):
    period, blz = ReportingPeriod.objects.get(code="2025"), [Country.objects.get(iso3="BLZ")]
    build_matrix(blz, period, "en", bea)  # the user's memberships, cached on it
    # the period before; the commitments in force with their statuses and the period's rows
    # (the editions in force are a subquery of it); the indicators sheet's catalogue and values
    with django_assert_num_queries(4):
        build_matrix(blz, period, "en", bea)
    load_belize_2024()
    with django_assert_num_queries(4):
        build_matrix(blz, period, "en", bea)


def test_a_row_of_the_replaced_plan_is_a_problem_in_both_languages(people, bea):
    book = _template(bea, "2025", "es")  # made before the new edition: the 2021 plan
    load_belize_2024()
    sheet = book["Matriz"]
    sheet.cell(row_of(sheet, "BLZ-PRO-03"), 7, 3)
    sheet.cell(row_of(sheet, "BLZ-PRO-03"), 8, "avance")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=bea, period=ReportingPeriod.objects.get(code="2025")
    )
    [problem] = [p for p in upload.preview["problems"] if p["code"] == "replaced_edition"]
    assert problem["params"]["code"] == "BLZ-PRO-03"
    with translation.override("en"):
        assert entry_message(problem).startswith(
            "BLZ-PRO-03 belongs to the 2021 plan, replaced on 1 January 2024 by the 2024-2026 "
            "plan; it cannot be reported for 2025. Delete the row"
        )
    with translation.override("es"):
        assert entry_message(problem).startswith(
            "BLZ-PRO-03 pertenece al plan 2021, reemplazado el 1 de enero de 2024 por el plan "
            "2024-2026; no se puede informar para 2025. Borre la fila"
        )
    with pytest.raises(Exception):  # noqa: B017 (a problem row: nothing applied)
        importer.apply(upload, user=bea)
    assert not StatusUpdate.objects.exists()


def test_an_edition_loaded_between_preview_and_apply_refuses_the_apply(people, bea):
    book = _template(bea, "2025", "en")
    sheet = book["Matrix"]
    sheet.cell(row_of(sheet, "BLZ-PRO-01"), 7, 2)
    sheet.cell(row_of(sheet, "BLZ-PRO-01"), 8, "progress")
    upload = importer.create_upload(
        data=save(book), name="m.xlsx", user=bea, period=ReportingPeriod.objects.get(code="2025")
    )
    assert len(upload.preview["changes"]) == 1 and not upload.preview["problems"]
    load_belize_2024()
    with pytest.raises(Exception):  # noqa: B017 (the write service refused: nothing written)
        importer.apply(upload, user=bea)
    upload = SpreadsheetUpload.objects.get(pk=upload.pk)
    assert upload.state == SpreadsheetUpload.State.FAILED
    [detail] = upload.outcome_params["details"]
    assert detail["code"] == "replaced_edition" and detail["commitment"] == "BLZ-PRO-01"
    with translation.override("en"):
        assert "replaced on 1 January 2024 by the 2024-2026 plan" in upload.outcome_message()
    assert not StatusUpdate.objects.exists()
