"""The workspace shows the status the figures count (issue 22): a commitment that continues one
of the previous edition carries that one's last approved status until it is reported itself,
and the workspace list, the commitment page, the country matrix, the tracker's drill-down, the
spreadsheet template and the upload preview say so, naming the predecessor, as the public pages
do; a split or merged successor not reported shows its predecessors' statuses beside it on its
page. Belize's 2024-2026 edition (from 1 January 2024): BLZ24-PRO-01 continues BLZ-PRO-01,
BLZ24-PRO-03 and -04 split BLZ-PRO-04, BLZ24-PRO-05 merges BLZ-PRO-05 and -06."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment
from periods.models import ReportingPeriod
from spreadsheets import importer
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.template import build_matrix, matrix_commitments, matrix_rows
from tests.builders import member, period, report
from tests.editions import load_belize_2024
from workspace.selectors import country_matrix, list_counts, workspace_list

pytestmark = pytest.mark.django_db

CARRIED = "carried from BLZ-PRO-01 (2023)"


@pytest.fixture
def belize(people):
    """2023 approved statuses of BLZ-PRO-01 (3), BLZ-PRO-04 (2) and BLZ-PRO-05 (4), then the
    2024-2026 edition; the periods 2023, 2024, 2025."""
    for code in ("2023", "2024", "2025"):
        period(code)
    for code, status in (("BLZ-PRO-01", 3), ("BLZ-PRO-04", 2), ("BLZ-PRO-05", 4)):
        report(Commitment.objects.get(code=code), "2023", status)
    load_belize_2024()
    people["bea"] = member("bea", "BLZ")
    return people


def _blz():
    return Commitment.objects.get(code="BLZ-PRO-01").country


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_the_list_shows_counts_filters_and_sorts_the_status_carried(client, belize):
    rows = {c.code: c for c in workspace_list({"country": _blz().pk}, period("2025"))}
    carried = rows["BLZ24-PRO-01"]
    assert carried.current_status is None
    assert (carried.shown_status, carried.carried_from) == (3, "BLZ-PRO-01")
    # split and merged successors carry nothing
    assert rows["BLZ24-PRO-03"].shown_status is None and rows["BLZ24-PRO-05"].shown_status is None
    assert list_counts(workspace_list({"country": _blz().pk}, period("2025")))["reported"] == 1
    by_status = workspace_list({"country": _blz().pk, "status": "3"}, period("2025"))
    assert [c.code for c in by_status] == ["BLZ24-PRO-01"]
    ordered = workspace_list({"country": _blz().pk, "sort": "-status"}, period("2025"))
    assert ordered[0].code == "BLZ24-PRO-01"
    client.force_login(belize["bea"])
    url = reverse("workspace-commitments")
    page = _text(client.get(url, {"country": "BLZ", "period": "2025"}))
    assert CARRIED in page and "1 reported" in page
    with translation.override("es"):
        page = _text(
            client.get(url, {"country": "BLZ", "period": "2025"}, HTTP_ACCEPT_LANGUAGE="es")
        )
    assert "arrastrado de BLZ-PRO-01 (2023)" in page


def test_a_status_of_its_own_replaces_the_carried_one(client, belize):
    report(Commitment.objects.get(code="BLZ24-PRO-01"), "2024", 5)
    row = workspace_list({"country": _blz().pk}, period("2025")).get(code="BLZ24-PRO-01")
    assert (row.shown_status, row.carried_from) == (5, None)
    client.force_login(belize["bea"])
    page = _text(client.get(reverse("workspace-commitments"), {"country": "BLZ", "period": "2025"}))
    assert "carried from" not in page


def test_the_commitment_page_shows_the_carried_status_and_the_split_ones_beside(
    client, belize, django_assert_num_queries
):
    client.force_login(belize["bea"])
    page = _text(client.get("/workspace/commitments/BLZ24-PRO-01/?period=2025"))
    assert CARRIED in page
    assert "which it continues in part" not in page
    # split: its predecessor's status beside it, not counted
    page = _text(client.get("/workspace/commitments/BLZ24-PRO-03/?period=2025"))
    assert "carried from" not in page
    assert "BLZ-PRO-04, which it continues in part:" in page
    assert "Shown for reference, not counted" in page
    # merged: both predecessors, the one not reported said so
    page = _text(client.get("/workspace/commitments/BLZ24-PRO-05/?period=2025"))
    assert "BLZ-PRO-05, which it continues in part:" in page
    assert "BLZ-PRO-06, which it continues in part: not reported" in page
    with translation.override("es"):
        page = _text(client.get("/workspace/commitments/BLZ24-PRO-05/?period=2025",
                                HTTP_ACCEPT_LANGUAGE="es"))  # fmt: skip
    assert "BLZ-PRO-06, que continúa en parte: sin reporte" in page
    # the pin of test_query_counts.py (auth, menu, the commitment, periods, its newest row,
    # history, events, the status shown, edits, demo flag, lineage: 2), the same carried or
    # not; a split commitment not reported reads its predecessors' statuses: one more
    pinned = 4 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2
    with django_assert_num_queries(pinned):
        client.get("/workspace/commitments/BLZ24-PRO-01/?period=2025")
    with django_assert_num_queries(pinned + 1):
        client.get("/workspace/commitments/BLZ24-PRO-03/?period=2025")


def test_the_matrix_shows_the_carried_status_in_the_edit_periods_cell(client, belize):
    rows = {
        r.commitment.code: r
        for r in country_matrix(_blz(), list(ReportingPeriod.objects.all()), period("2025"))
    }
    cells = {c.period.code: c for c in rows["BLZ24-PRO-01"].cells}
    assert (cells["2025"].carried, cells["2025"].carried_from) == (3, "BLZ-PRO-01")
    assert cells["2024"].carried is None and cells["2023"].carried is None
    assert all(c.carried is None for c in rows["BLZ24-PRO-03"].cells)
    client.force_login(belize["bea"])
    page = _text(client.get("/workspace/countries/BLZ/matrix/?period=2025"))
    assert CARRIED in page and f'title="{CARRIED}"' in page


def test_the_trackers_drill_down_shows_the_carried_status(client, belize):
    client.force_login(belize["bea"])
    page = _text(client.get("/workspace/tracker/BLZ/?period=2025&show=all"))
    assert CARRIED in page


def test_the_template_and_the_list_export_say_where_a_status_is_carried_from(belize):
    before = period("2024")
    rows = matrix_rows(
        matrix_commitments(period("2025"), before, Commitment.objects.filter(country=_blz())), "en"
    )
    by_code = {row[0]: row for row in rows}
    assert by_code["BLZ24-PRO-01"][5] == f"3 - Being implemented (60%) · {CARRIED}"
    assert by_code["BLZ24-PRO-03"][5] == "Not reported"
    spanish = matrix_rows(
        matrix_commitments(period("2025"), before, Commitment.objects.filter(code="BLZ24-PRO-01")),
        "es",
    )
    assert spanish[0][5].endswith(" · arrastrado de BLZ-PRO-01 (2023)")
    book = openpyxl.load_workbook(io.BytesIO(build_matrix([_blz()], period("2025"), "en")))
    cells = [row[5] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert f"3 - Being implemented (60%) · {CARRIED}" in cells


def test_the_upload_preview_shows_the_status_a_changed_row_carries(
    client, belize, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the upload keeps its file
    book = openpyxl.load_workbook(io.BytesIO(build_matrix([_blz()], period("2025"), "en")))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in ("BLZ24-PRO-01", "BLZ24-PRO-03"):
            row[6].value, row[7].value = "4", "More done"
    buffer = io.BytesIO()
    book.save(buffer)
    result = importer.preview(buffer.getvalue(), user=belize["sofia"], period=period("2025"))
    changes = {c["code"]: c for c in result["changes"]}
    assert changes["BLZ24-PRO-01"]["old"] is None
    assert changes["BLZ24-PRO-01"]["carried"] == {
        "status": 3, "code": "BLZ-PRO-01", "period": "2023"
    }  # fmt: skip
    assert changes["BLZ24-PRO-03"]["carried"] is None
    client.force_login(belize["sofia"])
    buffer.seek(0)
    buffer.name = "matrix.xlsx"
    client.post(reverse("spreadsheets"), {"file": buffer, "period": "2025"})
    upload = SpreadsheetUpload.objects.latest("id")
    page = _text(client.get(reverse("spreadsheet-upload", kwargs={"pk": upload.pk})))
    assert CARRIED in page
