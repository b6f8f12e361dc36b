"""The upload page in a real browser: download the matrix, fill it, upload, preview, apply; and
a sheet a team made itself, whose narrative column the person points out before applying."""

import openpyxl
import pytest

from spreadsheets.models import SpreadsheetUpload
from statuses.models import StatusUpdate
from tests.browser.conftest import DESKTOP, PHONE
from tests.builders import member
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(chromium, live_server):
    loaded_plans()
    member("gabriel", "GTM", password="pw-Gabriel-2024")
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gabriel")
    page.fill("#id_password", "pw-Gabriel-2024")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page


def test_download_fill_upload_preview_apply(live_server, chromium, screenshot, tmp_path):
    page = _sign_in(chromium, live_server)
    page.goto(f"{live_server.url}/workspace/spreadsheets/")
    screenshot(page, "spreadsheets-desktop")

    page.select_option("#id_language", "en")
    with page.expect_download() as download:
        page.click("text=Download .xlsx")
    path = tmp_path / "matrix.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Matrix"]
    assert sheet["A2"].value == "GTM-PRO-01"
    sheet["G2"] = "4 - Being implemented (80%)"
    sheet["H2"] = "Directorate fully staffed"
    sheet["G3"] = "banana"  # a problem the preview must show
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("text=Upload and preview")
    page.wait_for_url("**/workspace/spreadsheets/*/")
    text = page.inner_text("main")
    assert "30 rows read = 1 change + 28 unchanged + 1 row with problems + 0 ignored" in text
    assert "“banana” is not a status" in page.inner_text("#problems")
    assert "GTM-PRO-02" not in page.inner_text("#changes")
    assert StatusUpdate.objects.count() == 0
    # all or nothing: with a problem listed, only the explicit choice is offered
    assert page.locator("button[value=apply]").count() == 0
    screenshot(page, "upload-preview-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "upload-preview-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply the 1 valid row and skip the 1 listed")
    page.wait_for_load_state()
    assert "1 status submitted for review" in page.inner_text(".messages")
    assert StatusUpdate.objects.get().status == 4
    upload = SpreadsheetUpload.objects.get()
    assert (upload.mode, upload.skipped) == ("valid_rows", 1)
    page.goto(f"{live_server.url}/workspace/spreadsheets/")
    assert "valid rows only: 1 row skipped as chosen" in page.inner_text("main")


def test_own_sheet_with_a_column_mapping_corrected_before_applying(
    live_server, chromium, screenshot, tmp_path
):
    page = _sign_in(chromium, live_server)
    # A team's own sheet: titles above the headers, the narrative under a header nobody
    # could guess, a column of notes that looks like a commitment description.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Avances 2025"
    sheet.append(["Seguimiento MIRPS – Guatemala"])
    sheet.append([])
    sheet.append(["Código", "Estado\n(0-5)", "Descripción", "Texto libre del equipo"])
    sheet.append(["GTM-PRO-07", "2", "Centros de recepción", "Dos centros renovados"])
    sheet.append(["GTM-PRO-08", "3 - En implementación (60%)", "Capacitación", "120 funcionarios"])
    path = tmp_path / "avances.xlsx"
    book.save(path)

    page.goto(f"{live_server.url}/workspace/spreadsheets/")
    page.set_input_files("#id_file", str(path))
    page.click("text=Upload and preview")
    page.wait_for_url("**/workspace/spreadsheets/*/")
    # the preview says what it took from where, and what is missing
    assert page.input_value("#col-0-code") == "0"
    assert page.input_value("#col-0-status") == "1"
    assert page.input_value("#col-0-narrative") == ""
    assert "no narrative column was recognised" in page.inner_text("#problems")
    screenshot(page, "upload-columns-before")

    page.select_option("#col-0-narrative", "3")  # column D “Texto libre del equipo”
    page.click("text=Read the file again with these columns")
    page.wait_for_load_state()
    assert "The file was read again with the columns you chose." in page.inner_text(".messages")
    assert page.input_value("#col-0-narrative") == "3"
    assert "chosen by you" in page.inner_text("#h-columns + p + form")
    assert "2 rows read = 2 changes + 0 unchanged + 0 rows with problems + 0 ignored" in (
        page.inner_text("#tally")
    )
    assert "Dos centros renovados" in page.inner_text("#changes")
    screenshot(page, "upload-columns-corrected")
    page.set_viewport_size(PHONE)
    screenshot(page, "upload-columns-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply 2 changes")
    page.wait_for_load_state()
    assert "2 statuses submitted for review" in page.inner_text(".messages")
    screenshot(page, "upload-applied")
    written = dict(StatusUpdate.objects.values_list("commitment__code", "narrative"))
    assert written == {"GTM-PRO-07": "Dos centros renovados", "GTM-PRO-08": "120 funcionarios"}
