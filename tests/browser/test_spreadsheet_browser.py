"""The upload page in a real browser: download the matrix, fill it, upload, preview, apply."""

import openpyxl
import pytest

from commitments.models import StatusUpdate
from commitments.services import load_plans
from tests.builders import member

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_fill_upload_preview_apply(live_server, chromium, screenshot, tmp_path):
    load_plans()
    member("gabriel", "GTM", password="pw-Gabriel-2024")
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "gabriel")
    page.fill("#id_password", "pw-Gabriel-2024")
    page.click("button[type=submit].primary")
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
    assert "1 changes · 28 unchanged · 1 problems" in text
    assert "banana" in text and "GTM-PRO-02" not in page.inner_text("#h-changes + table")
    assert StatusUpdate.objects.count() == 0
    screenshot(page, "upload-preview-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "upload-preview-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply 1 change")
    page.wait_for_load_state()
    assert "1 statuses submitted for review" in page.inner_text(".messages")
    assert StatusUpdate.objects.get().status == 4
    page.goto(f"{live_server.url}/workspace/spreadsheets/")
    assert "Applied" in page.inner_text("main")
