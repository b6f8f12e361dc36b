"""The review workflow in a real browser: a national team submits in the matrix, the
secretariat approves in the review queue, and the public figure changes."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def public_headline(page, base):
    page.goto(f"{base}/?period=2025")
    return page.locator(".card .big").nth(1).inner_text()  # coverage, e.g. "0%"


def test_submit_in_matrix_then_approve_then_public_figure_changes(
    live_server, chromium, screenshot
):
    loaded_plans()
    member("gabriel", "GTM", password="pw-Gabriel-2024")
    secretariat("sofia", password="pw-Sofia-2024")
    base = live_server.url

    # The public sees nothing reported for 2025 yet.
    public = chromium.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    assert public_headline(public, base) == "0%"

    # Gabriel, Guatemala's team, records two statuses in the matrix and saves them together.
    team = chromium.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(team, base, "gabriel", "pw-Gabriel-2024")
    assert team.url == f"{base}/workspace/"  # the reporting tracker, their start page
    team.get_by_role("link", name="Open the matrix").click()
    team.wait_for_load_state()
    assert "/workspace/countries/GTM/matrix/" in team.url
    team.select_option("#id_form-0-status", "3")
    team.fill("#id_form-0-narrative", "Directorate staffed with 12 officers")
    team.select_option("#id_form-1-status", "1")
    team.fill("#id_form-1-narrative", "Training plan drafted")
    screenshot(team, "matrix-desktop")
    team.click("text=Submit all changes for review")
    team.wait_for_load_state()
    assert "2 statuses submitted for review" in team.inner_text(".messages")
    assert team.locator(".cell.state-submitted").count() == 2
    team.set_viewport_size(PHONE)
    screenshot(team, "matrix-phone")
    # The matrix scrolls sideways inside its frame; the page itself does not.
    assert team.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    team.set_viewport_size(DESKTOP)

    # Still not public.
    assert public_headline(public, base) == "0%"

    # Sofia, the secretariat, approves one from the queue and returns the other.
    staff = chromium.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(staff, base, "sofia", "pw-Sofia-2024")
    staff.goto(f"{base}/workspace/review/")
    assert staff.locator("h2", has_text="Guatemala").count() == 1
    screenshot(staff, "review-desktop")
    staff.set_viewport_size(PHONE)
    screenshot(staff, "review-phone")
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    staff.set_viewport_size(DESKTOP)
    row = staff.locator("article.review-item", has_text="GTM-PRO-01")
    row.get_by_role("button", name="Approve").click()
    staff.wait_for_load_state()
    assert "1 update approved" in staff.inner_text(".messages")
    row = staff.locator("article.review-item", has_text="GTM-PRO-02")
    row.locator("textarea").fill("Please attach the training plan")
    row.get_by_role("button", name="Return with this comment").click()
    staff.wait_for_load_state()
    assert "Nothing awaits review" in staff.inner_text("main")

    # The public figure now counts the approved status only: 1 of 229 reported.
    assert public_headline(public, base) == "<1%"  # 1/229: not a rounded 0% beside "1 of 229"
    public.goto(f"{base}/?period=2025")
    assert re.search(r"1 of 229 commitments reported", public.inner_text("main"))
    screenshot(public, "home-after-approval")

    # Gabriel sees the comment on the returned commitment's page.
    team.goto(f"{base}/workspace/commitments/GTM-PRO-02/?period=2025")
    assert "Please attach the training plan" in team.inner_text("main")
    screenshot(team, "commitment-desktop")
    team.set_viewport_size(PHONE)
    screenshot(team, "commitment-phone")
    assert team.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_workspace_list_and_periods_pages(live_server, chromium, screenshot):
    loaded_plans()
    secretariat("sofia", password="pw-Sofia-2024")
    page = chromium.new_context(viewport=DESKTOP, locale="es-ES").new_page()
    sign_in(page, live_server.url, "sofia", "pw-Sofia-2024")
    page.goto(f"{live_server.url}/workspace/commitments/?country=PAN")
    assert "27 compromisos" in page.inner_text(".counts-line")
    screenshot(page, "list-desktop-es")
    page.set_viewport_size(PHONE)
    screenshot(page, "list-phone-es")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/workspace/periods/")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before locking
    page.locator("tr", has_text="2021").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text="2021").locator(".badge").inner_text().endswith("Bloqueado")
    screenshot(page, "periods-desktop-es")
