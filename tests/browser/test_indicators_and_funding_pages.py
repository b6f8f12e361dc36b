"""Indicators and funding beside the commitments in Chromium: the country page at desktop
(1366 px) and phone (390 px) widths, the source opened with a click, no sideways scrolling,
axe-core clean; the regional funding page on a phone. Screenshots in test-artifacts/."""

import pytest
from django.core.cache import cache

from funding.services import load_quantification
from indicators.loading import load_indicators
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.test_dashboards_and_accessibility import axe_violations
from tests.builders import secretariat
from tests.funding.test_pages import record_gtm_funding
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def data():
    cache.clear()
    loaded_plans()
    load_indicators()
    load_quantification()
    record_gtm_funding(secretariat())
    yield
    cache.clear()


def test_country_page_with_indicators_and_funding(live_server, chromium, screenshot, data):
    # bypass_csp only so axe-core can be injected (see test_dashboards_and_accessibility.py)
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/countries/GTM/")
    panel = page.locator("section[aria-labelledby=h-indicators]")
    first = panel.locator("tbody tr").first
    assert first.locator(".ind-value").inner_text() == "511"
    assert "MIRPS Annual Report 2024" in first.locator(".ind-value").get_attribute("title")
    quote = first.locator("details.source blockquote")
    assert not quote.is_visible()
    first.locator("details.source summary").click()
    assert quote.is_visible() and "legally recognized as refugees" in quote.inner_text()
    funding = page.locator("section[aria-labelledby=h-funding]")
    assert "USD 1,500,000" in funding.inner_text() and "USD 850,000" in funding.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "context-country-desktop")
    for name, section in [("indicators", panel), ("funding", funding)]:  # close-ups to look at
        section.screenshot(path=str(ARTIFACTS / f"context-{name}-desktop.png"))

    page.goto(f"{live_server.url}/funding/")
    screenshot(page, "context-funding-desktop")
    page.goto(f"{live_server.url}/commitments/GTM-JOB-04/")
    screenshot(page, "context-commitment-desktop")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/countries/GTM/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    phone_row = page.locator("section[aria-labelledby=h-indicators] tbody tr").nth(2)
    phone_row.locator("details.source summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, "context-country-phone")
    # a long value ("aproximadamente 10,980 personas") wraps in its card: it ran past the
    # screen, inside the table's sideways scroll, which the page's own width does not show
    context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    page.goto(f"{live_server.url}/countries/MEX/")
    past = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('.indicator-table td *')]"
        ".map(e => e.getBoundingClientRect().right - window.innerWidth))"
    )
    assert past <= 1, f"an indicator cell runs {past}px past a phone's screen"
    for name in ("indicators", "funding"):
        page.locator(f"section[aria-labelledby=h-{name}]").screenshot(
            path=str(ARTIFACTS / f"context-{name}-phone.png")
        )
    context.close()


def test_regional_funding_page_on_a_phone_in_spanish(live_server, chromium, screenshot, data):
    context = chromium.new_context(viewport=PHONE, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/funding/")
    body = page.locator("main").inner_text()
    assert "USD 63,152,181" in body and "etiqueta ilegible en la fuente" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert axe_violations(page) == []
    screenshot(page, "context-funding-phone-es")
    context.close()
