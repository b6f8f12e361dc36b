"""Every form saved untouched keeps its values (issue 19), in Spanish and in English, in real
Chromium: the workspace's forms (dates first: the Spanish date inputs were empty and saving
cleared the deadlines) and every change form of the admin."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from audit.models import ChangeEvent
from commitments.models import Commitment, NationalPlan
from funding.management.commands.load_funding import Command as LoadFunding
from indicators.loading import load_indicators
from indicators.models import IndicatorValue
from notifications.models import Preference
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests.browser.conftest import DESKTOP
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"es": "es-ES", "en": "en-GB"}
SAVED = {"es": "No cambió nada", "en": "Nothing changed"}


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def stored(obj) -> dict:
    """What the database holds for ``obj`` (its concrete fields)."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@pytest.fixture
def world(db):
    loaded_plans()
    load_indicators()
    LoadFunding().handle(verbosity=0)
    sofia = secretariat("sofia", password="pw-Sofia-2024")
    gabriel = member("gabriel", "GTM", password="pw-Gabriel-2024")
    Preference.objects.create(user=gabriel, language="es", email_reminders=False)
    period = set_period_deadlines(
        period=ReportingPeriod.objects.get(code="2025"),
        submission_deadline=dt.date(2025, 8, 31),
        review_deadline=dt.date(2025, 9, 15),
        user=sofia,
    )
    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=3,
        narrative="Twelve officers hired",
        evidence_url="https://example.org/report.pdf",
        user=gabriel,
    )
    return {"sofia": sofia, "gabriel": gabriel, "period": period}


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_date_form_saved_untouched_keeps_its_dates(
    live_server, chromium, screenshot, world, language
):
    base = live_server.url
    page = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
    sign_in(page, base, "sofia", "pw-Sofia-2024")
    period = world["period"]
    before, events = stored(period), ChangeEvent.objects.count()

    # the periods page: the deadlines show, and saving them untouched keeps them
    page.goto(f"{base}/workspace/periods/")
    row = page.locator("tr", has=page.locator("th", has_text="2025")).first
    row.locator("summary").click()
    assert row.locator("#id_2025-submission_deadline").input_value() == "2025-08-31"
    assert row.locator("#id_2025-review_deadline").input_value() == "2025-09-15"
    screenshot(page, f"forms-periods-{language}")
    row.locator("button[type=submit].small-btn").click()
    page.wait_for_load_state()
    assert SAVED[language] in page.inner_text(".messages")
    assert stored(period) == before and ChangeEvent.objects.count() == events

    # opening a period with dates typed in a date input stores exactly those dates
    page.fill("#id_code", "2026")
    page.fill("#id_submission_deadline", "2026-03-31")
    page.fill("#id_review_deadline", "2026-04-30")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("form.open-period button[type=submit]")
    page.wait_for_load_state()
    assert len(asked) == 1  # opening tells the teams: the button asks first
    opened = ReportingPeriod.objects.get(code="2026")
    assert (opened.submission_deadline, opened.review_deadline) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
    )

    # an indicator value corrected untouched keeps its period's dates and its figure
    value = (
        IndicatorValue.objects.filter(period_start__isnull=False, period_end__isnull=False)
        .order_by("pk")
        .first()
    )
    page.goto(f"{base}/workspace/indicators/?edit={value.pk}")
    assert page.input_value("#id_period_start") == value.period_start.isoformat()
    assert page.input_value("#id_period_end") == value.period_end.isoformat()
    page.click("form.indicator-form button[type=submit]")
    page.wait_for_load_state()
    newest = (
        IndicatorValue.objects.filter(indicator=value.indicator, country=value.country)
        .order_by("-created_at", "-id")
        .first()
    )
    assert (newest.period_start, newest.period_end, newest.value) == (
        value.period_start,
        value.period_end,
        value.value,
    )

    # the admin's period form (its own date fields, written the language's way)
    admin_user = get_user_model().objects.create_superuser("root", password="pw-Root-2024-x")
    staff = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
    sign_in(staff, base, admin_user.username, "pw-Root-2024-x")
    before = stored(period)
    staff.goto(f"{base}/admin/periods/reportingperiod/{period.pk}/change/")
    staff.click("input[name=_save]")
    staff.wait_for_load_state()
    assert staff.locator(".errornote").count() == 0, staff.inner_text("#content")
    assert stored(period) == before


def workspace_forms(world):
    """(who, url, the submit button, objects whose stored values must not move)."""
    plan = NationalPlan.objects.get(country__iso3="GTM", edition="2021")
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    return [
        ("gabriel", "/workspace/commitments/GTM-PRO-01/?period=2025", "form.status-form", []),
        ("gabriel", "/workspace/countries/GTM/matrix/?period=2025", "form.matrix-form", []),
        ("gabriel", "/notifications/settings/", "main form[method=post]", ["preference"]),
        (
            "sofia",
            "/workspace/commitments/GTM-PRO-01/translation/",
            "main form.panel",
            [commitment],
        ),
        ("sofia", "/workspace/plans/GTM/2021/translation/", "main form.panel", [plan]),
    ]


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_workspace_form_saved_untouched_keeps_its_values(
    live_server, chromium, world, language
):
    base = live_server.url
    pages = {}
    for who, password in (("gabriel", "pw-Gabriel-2024"), ("sofia", "pw-Sofia-2024")):
        pages[who] = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
        sign_in(pages[who], base, who, password)
    updates = StatusUpdate.objects.count()
    for who, url, form, objects in workspace_forms(world):
        objects = [Preference.objects.get(user=world["gabriel"]) if o == "preference" else o
                   for o in objects]  # fmt: skip
        before = [stored(o) for o in objects]
        page = pages[who]
        page.goto(base + url)
        page.locator(f"{form} button[type=submit]").last.click()
        page.wait_for_load_state()
        assert page.locator(".alert.error, .errorlist, p.error").count() == 0, (url, page.url)
        assert [stored(o) for o in objects] == before, url
        assert StatusUpdate.objects.count() == updates, url
    # the status form said what happened instead of writing a copy
    pages["gabriel"].goto(base + "/workspace/commitments/GTM-PRO-01/?period=2025")
    pages["gabriel"].locator("form.status-form button[type=submit]").click()
    pages["gabriel"].wait_for_load_state()
    assert SAVED[language] in pages["gabriel"].inner_text(".messages")


def admin_change_urls():
    """The change page of the first object of every model the admin lets one change."""
    urls = []
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        urls.append(
            (
                model,
                obj,
                f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/",
            )
        )
    return urls


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_admin_form_saved_untouched_keeps_its_values(live_server, chromium, world, language):
    base = live_server.url
    get_user_model().objects.create_superuser("root", password="pw-Root-2024-x")
    page = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
    sign_in(page, base, "root", "pw-Root-2024-x")
    saved = []
    for model, obj, url in admin_change_urls():
        before = stored(obj)
        page.goto(base + url)
        button = page.locator("input[name=_save]")
        if button.count() == 0:  # read-only in the admin (history, audit trail)
            continue
        button.click()
        page.wait_for_load_state()
        assert page.locator(".errornote").count() == 0, (url, page.inner_text("#content")[:800])
        after = stored(obj)
        moved = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not moved, (url, moved)
        saved.append(model._meta.model_name)
    assert {"reportingperiod", "commitment", "pillar", "nationalplan", "user"} <= set(saved)
