"""Phones, 390 px (issue 19): the header and the demo banner take a small part of the first
screen (they took 38-44 %), the menu folds behind a button; every value of a table turned to
cards says what it is (progress and coverage had no label); each status radio stays beside its
label in both languages (in Spanish the level 1 radio sat apart). Screenshots in
test-artifacts/phone-*.png, before the assertions."""

import pytest

from commitments.models import Commitment
from mirps.vocabulary import ReviewState, Route
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"es": "es-ES", "en": "en-GB"}
WIDE = {"width": 1366, "height": 900}
USERS = {"sofia": "pw-Sofia-2024", "gabriel": "pw-Gabriel-2024"}


@pytest.fixture
def world(db):
    loaded_plans()
    secretariat("sofia", password=USERS["sofia"])
    member("gabriel", "GTM", password=USERS["gabriel"])
    # one synthetic demo status: the demo banner shows, as under `make run`
    StatusUpdate.objects.create(
        commitment=Commitment.objects.get(code="HND-PRO-01"),
        period=ReportingPeriod.objects.get(code="2024"),
        status=2,
        source=Route.DEMO,
        review_state=ReviewState.APPROVED,
    )


def signed_in(chromium, base, who, language, viewport=PHONE):
    page = chromium.new_context(viewport=viewport, locale=LOCALES[language]).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", who)
    page.fill("#id_password", USERS[who])
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("who", ["sofia", "gabriel"])
def test_the_header_and_banner_are_compact_and_the_menu_folds(
    live_server, chromium, screenshot, world, who, language
):
    page = signed_in(chromium, live_server.url, who, language)
    for path in ("/", "/workspace/"):
        page.goto(live_server.url + path)
        name = path.strip("/") or "home"
        page.screenshot(path=str(ARTIFACTS / f"phone-top-{name}-{who}-{language}.png"))
        banner = page.locator(".demo-banner").bounding_box()
        header = page.locator(".site-header").bounding_box()
        top = max(header["y"] + header["height"], banner["y"] + banner["height"])
        assert top / PHONE["height"] <= 0.15, (path, top)
        assert page.locator(".demo-banner .short").is_visible()
    # the menu is behind its button, and opens
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".site-menu nav").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".site-menu nav").is_visible()
    screenshot(page, f"phone-menu-open-{who}-{language}")
    page.locator(".site-menu .nav a").first.click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    # on a wide screen the menu is simply there
    page.set_viewport_size(WIDE)
    assert not toggle.is_visible() and page.locator(".site-menu nav").is_visible()


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_value_of_the_bars_and_lists_says_what_it_is_on_a_phone(
    live_server, chromium, screenshot, world, language
):
    page = signed_in(chromium, live_server.url, "sofia", language)
    page.goto(live_server.url + "/?period=2024")
    table = page.locator("table.bars").first
    headings = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    table.scroll_into_view_if_needed()
    screenshot(page, f"phone-bars-{language}")
    rows = table.locator("tbody tr")
    assert rows.count() >= 4
    for i in range(rows.count()):
        row = rows.nth(i)
        for cls, column in (("progress", 1), ("coverage", 2)):
            label = row.locator(f"td.{cls} .phone-label")
            assert label.is_visible()
            assert label.inner_text().rstrip(": ").strip() == headings[column]
    # a list turned to cards: the status and pillar cells are labelled
    page.goto(live_server.url + "/workspace/commitments/?country=GTM")
    screenshot(page, f"phone-list-{language}")
    cell = page.locator("table.list tbody tr").first.locator("td[data-label]").last
    before = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert {"es": "Estado", "en": "Status"}[language] in before


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1366"])
def test_each_status_radio_stays_beside_its_label(
    live_server, chromium, screenshot, world, language, viewport
):
    page = signed_in(chromium, live_server.url, "gabriel", language, viewport)
    page.goto(live_server.url + "/workspace/commitments/GTM-PRO-01/?period=2025")
    fieldset = page.locator("form.status-form fieldset")
    fieldset.scroll_into_view_if_needed()
    fieldset.screenshot(path=str(ARTIFACTS / f"phone-radios-{language}-{viewport['width']}.png"))
    labels = fieldset.locator("label.radio")
    assert labels.count() == 6
    for i in range(6):
        radio = labels.nth(i).locator("input").bounding_box()
        chip = labels.nth(i).locator(".chip").bounding_box()
        middle = radio["y"] + radio["height"] / 2
        assert chip["y"] <= middle <= chip["y"] + chip["height"], (i, radio, chip)
        gap = chip["x"] - (radio["x"] + radio["width"])
        assert 0 <= gap <= 16, (i, gap)
