"""The reporting cycle in a real browser: the secretariat returns a submission; the national
team member signs in, sees it counted, opens the form filled with what they sent (evidence
included), and submits it again. Screenshots at 1366 px and 390 px in test-artifacts/."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commitments.models import Commitment
from mirps.vocabulary import ReviewState
from notifications.models import Notification
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.browser.conftest import PHONE
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def both_widths(page, screenshot, name):
    """Screenshots at both widths; on the phone the page never scrolls sideways."""
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    page.set_viewport_size(WIDE)


def test_returned_submission_is_counted_prefilled_and_resubmitted(
    live_server, chromium, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    loaded_plans()
    sofia = secretariat("sofia", password="pw-Sofia-2024")
    gabriel = member("gabriel", "GTM", password="pw-Gabriel-2024")
    gabriel.email = "gabriel@example.org"
    gabriel.save()
    period = set_period_deadlines(
        period=ReportingPeriod.objects.get(code="2025"),
        submission_deadline=timezone.localdate() + dt.timedelta(days=9),
        user=sofia,
    )
    sent = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=period,
        status=3,
        narrative="Forty delegates trained in Petén",
        evidence_file=SimpleUploadedFile("attendance.pdf", b"%PDF-1.4 attendance"),
        user=gabriel,
    )
    base = live_server.url

    # The secretariat signs in on the tracker, and returns the submission with a comment.
    staff = chromium.new_context(viewport=WIDE, locale="en-GB").new_page()
    sign_in(staff, base, "sofia", "pw-Sofia-2024")
    assert staff.url == f"{base}/workspace/"
    guatemala = staff.locator("table.tracker tbody tr", has_text="Guatemala")
    assert "1 of 30 (3%)" in guatemala.inner_text()  # waiting for review counts as updated
    assert guatemala.locator('td[data-label="Waiting for review"]').inner_text() == "1"
    both_widths(staff, screenshot, "tracker-secretariat")
    staff.goto(f"{base}/workspace/review/")
    row = staff.locator("article.review-item", has_text="GTM-PRO-02")
    row.locator("textarea").fill("Please attach the signed attendance list")
    row.get_by_role("button", name="Return with this comment").click()
    staff.wait_for_load_state()
    assert "1 update returned." in staff.inner_text(".messages")

    # Gabriel signs in: the menu counts what was returned, the bell what he was told.
    team = chromium.new_context(viewport=WIDE, locale="en-GB").new_page()
    sign_in(team, base, "gabriel", "pw-Gabriel-2024")
    assert team.url == f"{base}/workspace/"
    assert team.locator(".nav .count-badge.returned").inner_text() == "1 returned"
    assert team.locator(".bell .count-badge").inner_text() == "1"
    headline = team.locator(".summary-card .headline").inner_text()
    assert headline == "0 of 30 updated, 1 returned to you in 2025, deadline in 9 days"
    returned = team.locator(".returned-list li")
    assert returned.count() == 1
    assert "Please attach the signed attendance list" in returned.inner_text()
    both_widths(team, screenshot, "start-returned")

    # The form opens filled with what he sent, and the secretariat's comment above it.
    returned.get_by_role("link", name="Correct and submit again").click()
    team.wait_for_load_state()
    assert "Please attach the signed attendance list" in team.inner_text(".returned-callout")
    assert team.input_value("#id_narrative") == "Forty delegates trained in Petén"
    assert team.is_checked("#id_status_3")
    assert team.is_checked("#id_keep_evidence")
    assert "attendance" in team.inner_text("label:has(#id_keep_evidence)")
    team.locator("#record").scroll_into_view_if_needed()
    both_widths(team, screenshot, "form-prefilled")

    # He adds what was asked and submits it again; the evidence file is kept.
    team.fill("#id_narrative", "Forty delegates trained in Petén; signed list attached")
    team.click("text=Submit for review")
    team.wait_for_load_state()
    assert "Status submitted" in team.inner_text(".messages")
    assert team.locator(".nav .count-badge.returned").count() == 0
    again = StatusUpdate.objects.filter(previous=sent).get()
    assert again.review_state == ReviewState.SUBMITTED
    assert again.evidence_file.name == sent.evidence_file.name
    team.goto(f"{base}/workspace/")
    assert "Nothing has been returned to you." in team.inner_text("#returned ~ p")

    # The notification he was sent is in his inbox; opening it marks it read.
    team.goto(f"{base}/notifications/")
    item = team.locator(".inbox li.unread")
    assert "Returned: GTM-PRO-02 (2025)" in item.inner_text()
    both_widths(team, screenshot, "inbox")
    item.get_by_role("link", name="Returned: GTM-PRO-02 (2025)").click()
    team.wait_for_load_state()
    assert "/workspace/commitments/GTM-PRO-02/" in team.url
    assert Notification.objects.get(kind="returned").read_at is not None
