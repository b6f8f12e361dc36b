"""The indicators sheet in a real browser: a national team member downloads the matrix, fills
a status and an indicator value, sees both in the preview and applies them; the secretariat
finds the value in its review queue. Screenshots at 1366 and 390 px."""

import openpyxl
import pytest

from indicators.loading import load_indicators
from indicators.models import IndicatorValue
from statuses.models import StatusUpdate
from tests.browser.conftest import PHONE
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1366, "height": 900}


def _sign_in(chromium, live_server, username, password):
    context = chromium.new_context(viewport=WIDE, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_team_submits_a_status_and_an_indicator_value_secretariat_reviews_it(
    live_server, chromium, screenshot, tmp_path
):
    loaded_plans()
    load_indicators()
    member("gabriel", "GTM", password="pw-Gabriel-2024")
    secretariat("sofia", password="pw-Sofia-2024")
    page = _sign_in(chromium, live_server, "gabriel", "pw-Gabriel-2024")
    page.goto(f"{live_server.url}/workspace/spreadsheets/")
    page.select_option("#id_language", "en")
    with page.expect_download() as download:
        page.click("text=Download .xlsx")
    path = tmp_path / "matrix.xlsx"
    download.value.save_as(path)

    book = openpyxl.load_workbook(path)
    matrix, indicators = book["Matrix"], book["Indicators"]
    assert matrix["A2"].value == "GTM-PRO-01"
    matrix["G2"] = "3 - Being implemented (60%)"
    matrix["H2"] = "Two reception centres open"
    row = next(r[0].row for r in indicators.iter_rows(min_row=2) if r[0].value == "REF_RECOGNISED")
    indicators.cell(row, 10).value = "1,204"
    indicators.cell(row, 11).value = "COMAR annual report 2025"
    indicators.cell(row, 12).value = "p. 7"
    indicators.cell(row, 13).value = "1,204 persons were recognised as refugees in 2025."
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("text=Upload and preview")
    page.wait_for_url("**/workspace/spreadsheets/*/")
    assert "GTM-PRO-01" in page.inner_text("#changes")
    values = page.inner_text("#indicator-changes")
    assert "REF_RECOGNISED" in values and "– → 1,204" in values
    assert "“Indicators” " + str(row) in values and "J" in values  # sheet, row and column
    assert "2 changes" in page.inner_text("#tally")
    assert "indicator values (headers in row 1)" in page.inner_text("#sheets")
    screenshot(page, "indicator-sheet-preview-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "indicator-sheet-preview-390")
    assert _fits(page)
    page.set_viewport_size(WIDE)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply 2 changes")
    page.wait_for_load_state()
    message = page.inner_text(".messages")
    assert "1 status submitted for review" in message
    assert "1 indicator value submitted for review" in message
    assert StatusUpdate.objects.get().status == 3
    value = IndicatorValue.objects.get(route="spreadsheet")
    assert (value.review_state, str(value.value)) == ("submitted", "1204.00")

    review = _sign_in(chromium, live_server, "sofia", "pw-Sofia-2024")
    review.goto(f"{live_server.url}/workspace/indicators/review/")
    queue = review.inner_text("main")
    assert "REF_RECOGNISED" in queue or "Persons recognised as refugees" in queue
    assert "1,204" in queue and "COMAR annual report 2025" in queue
    screenshot(review, "indicator-sheet-review-queue-1366")
    review.set_viewport_size(PHONE)
    screenshot(review, "indicator-sheet-review-queue-390")
    assert _fits(review)
