"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

No browser is ever downloaded: CHROMIUM (default /usr/bin/chromium) must be installed, which
.ci/run does. Screenshots go to test-artifacts/ for people to look at.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        # A screenshot is an artefact to look at, not a check: Chromium sometimes refuses a
        # full-page capture right after a viewport change ("Unable to capture screenshot"),
        # so wait for the page to settle and try once more before giving up.
        page.wait_for_load_state("load")
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:
            page.wait_for_timeout(250)
            page.screenshot(path=str(path), full_page=True)
        return path

    return take
