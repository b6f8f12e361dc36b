"""The first page in a real browser, at desktop and phone widths."""

import pytest

from demo.services import seed_demo
from periods.models import ReportingPeriod
from reports import progress
from tests.browser.conftest import PHONE
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_chromium(live_server, page, screenshot):
    loaded_plans()
    seed_demo()
    page.goto(f"{live_server.url}/?period=2024")
    assert page.locator("h1").inner_text() == "Progress of the MIRPS commitments"
    assert page.get_by_role("status").inner_text().startswith("Demo data")
    total = progress.compute(period=ReportingPeriod.objects.get(code="2024")).total
    headline = page.locator(".card .big").first.inner_text()
    assert headline == f"{total.progress:.1f}%"
    assert page.locator("table.bars").count() == 2
    screenshot(page, "home-desktop")

    # Switch to Spanish with the header button: the page and its numbers follow.
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Avance de los compromisos del MIRPS"
    # the Latin American way in Spanish too: a decimal point (mirps/numbers.py)
    assert page.locator(".card .big").first.inner_text() == f"{total.progress:.1f}%"

    page.set_viewport_size(PHONE)
    screenshot(page, "home-phone")
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
