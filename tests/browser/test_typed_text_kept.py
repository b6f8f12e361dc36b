"""What people type is never lost or cut (issue 19), in real Chromium: the limit and a live
count beside a narrative, a longer one refused and kept; a link typed as www.… accepted; the
text typed before a session ended or a page went stale put back; the site's own page for a
stale form, in the reader's language, with a way back."""

import pytest

from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from tests.browser.conftest import DESKTOP
from tests.builders import member
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"es": "es-ES", "en": "en-GB"}
PAGE = "/workspace/commitments/GTM-PRO-01/?period=2025"


def sign_in(page, base, username="gabriel", password="pw-Gabriel-2024"):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


@pytest.fixture
def team(db):
    loaded_plans()
    return member("gabriel", "GTM", password="pw-Gabriel-2024")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_narrative_counts_as_typed_and_a_longer_one_is_refused_whole(
    live_server, chromium, screenshot, team, language
):
    page = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
    sign_in(page, live_server.url)
    page.goto(live_server.url + PAGE)
    counter = page.locator("#id_narrative-count")
    assert (
        counter.inner_text()
        == {"es": "0 de 5000 caracteres", "en": "0 of 5000 characters"}[language]
    )
    page.check("#id_status_2")
    page.fill("#id_narrative", "Avance")
    assert counter.inner_text().startswith("6 ")
    text = "Avance. " * 640  # 5,120 characters: the browser keeps them all
    page.fill("#id_narrative", text)
    assert len(page.input_value("#id_narrative")) == 5120
    over = {"es": "sobran 120", "en": "120 too many"}[language]
    assert over in counter.inner_text() and "over" in counter.get_attribute("class")
    screenshot(page, f"typing-counter-over-{language}")
    page.click("form.status-form button[type=submit]")
    page.wait_for_load_state()
    said = {"es": "el límite es 5000", "en": "the limit is 5000"}[language]
    assert said in page.inner_text("form.status-form")
    assert page.input_value("#id_narrative") == text  # kept whole, never cut
    assert not StatusUpdate.objects.exists()


def test_a_link_typed_as_www_is_accepted_and_completed(live_server, chromium, team):
    page = chromium.new_context(viewport=DESKTOP, locale="es-ES").new_page()
    sign_in(page, live_server.url)
    page.goto(live_server.url + PAGE)
    page.check("#id_status_2")
    page.fill("#id_narrative", "Se contrató al personal")
    page.fill("#id_evidence_url", "www.example.org/informe.pdf")
    page.click("form.status-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/" not in page.url and page.locator(".messages .success").count() == 1
    assert StatusUpdate.objects.get().evidence_url == "https://www.example.org/informe.pdf"


@pytest.mark.parametrize("language", ["es", "en"])
def test_text_typed_when_the_session_ended_is_back_after_signing_in(
    live_server, chromium, screenshot, team, language
):
    context = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language])
    page = context.new_page()
    base = live_server.url
    sign_in(page, base)
    page.goto(base + PAGE)
    narrative = "Doce oficiales contratados en la Dirección; falta la capacitación."
    page.check("#id_status_3")
    page.fill("#id_narrative", narrative)
    page.fill("#id_evidence_url", "www.example.org/acta.pdf")
    # the session ends (expired on the server, as after 8 hours)
    cookies = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(cookies)
    page.click("form.status-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url and not StatusUpdate.objects.exists()
    page.fill("#id_username", "gabriel")
    page.fill("#id_password", "pw-Gabriel-2024")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    # back on the page: what was typed is in the form again, and said so
    assert page.url == base + PAGE
    assert page.input_value("#id_narrative") == narrative
    assert page.input_value("#id_evidence_url") == "www.example.org/acta.pdf"
    assert page.is_checked("#id_status_3")
    note = page.locator(".draft-note")
    assert note.count() == 1
    restored = {"es": "no se había guardado", "en": "had not been saved"}[language]
    assert restored in note.inner_text()
    assert page.locator("#id_narrative-count").inner_text().startswith(f"{len(narrative)} ")
    screenshot(page, f"typing-draft-restored-{language}")
    page.click("form.status-form button[type=submit]")
    page.wait_for_load_state()
    saved = StatusUpdate.objects.get()
    assert (saved.status, saved.narrative, saved.evidence_url) == (
        3,
        narrative,
        "https://www.example.org/acta.pdf",
    )
    # saved: the draft is forgotten; the page shows what is recorded, without a note
    page.reload()
    assert page.locator(".draft-note").count() == 0
    assert (
        page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('mirps-draft'))") == []
    )


def test_a_draft_can_be_discarded(live_server, chromium, team):
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url)
    page.goto(live_server.url + PAGE)
    page.fill("#id_narrative", "something I changed my mind about")
    page.goto(live_server.url + "/workspace/")
    page.goto(live_server.url + PAGE)
    assert page.input_value("#id_narrative") == "something I changed my mind about"
    page.locator(".draft-note button").click()
    assert page.input_value("#id_narrative") == ""
    assert page.locator(".draft-note").count() == 0
    page.reload()
    assert page.input_value("#id_narrative") == ""


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [
        ("es", "No se pudo enviar el formulario", "Volver a la página"),
        ("en", "The form could not be sent", "Back to the page"),
    ],
)
def test_a_stale_page_gets_the_sites_own_refusal_and_the_way_back_keeps_the_text(
    live_server, chromium, screenshot, team, language, title, back
):
    context = chromium.new_context(viewport=DESKTOP, locale=LOCALES[language])
    base = live_server.url
    page = context.new_page()
    sign_in(page, base)
    page.goto(base + PAGE)
    page.check("#id_status_1")
    page.fill("#id_narrative", "Texto escrito antes de que la página caducara")
    # meanwhile, in another tab, the person signs out and in again: this page's token is stale
    other = context.new_page()
    other.goto(base + "/workspace/")
    other.locator("form[action$='/accounts/logout/'] button").click()
    other.wait_for_load_state()
    sign_in(other, base)
    other.close()
    response = None
    with page.expect_navigation() as navigation:
        page.click("form.status-form button[type=submit]")
    response = navigation.value
    assert response.status == 403
    assert page.inner_text("h1") == title
    assert page.get_attribute("html", "lang") == language
    assert page.locator(".site-header").count() == 1
    screenshot(page, f"typing-csrf-{language}")
    assert not StatusUpdate.objects.exists()
    page.get_by_role("link", name=back).click()
    page.wait_for_load_state()
    assert page.url == base + PAGE
    assert page.input_value("#id_narrative") == "Texto escrito antes de que la página caducara"
    assert page.is_checked("#id_status_1")
    page.click("form.status-form button[type=submit]")
    page.wait_for_load_state()
    assert StatusUpdate.objects.get().narrative == "Texto escrito antes de que la página caducara"
    assert ReportingPeriod.objects.get(code="2025").locked is False


def test_a_draft_is_only_put_back_for_its_author_and_signing_out_forgets_it(
    live_server, chromium, team
):
    member("nadia", "GTM", password="pw-Nadia-2024-x")
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    base = live_server.url
    sign_in(page, base)
    page.goto(base + PAGE)
    page.fill("#id_narrative", "Gabriel's unsaved words")
    # the session ends; someone else signs in, in the same tab, and opens the page
    cookies = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(cookies)
    sign_in(page, base, "nadia", "pw-Nadia-2024-x")
    page.goto(base + PAGE)
    assert page.input_value("#id_narrative") == ""
    assert page.locator(".draft-note").count() == 0
    # Gabriel types again and signs out: nothing of it is kept in the tab
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()
    sign_in(page, base)
    page.goto(base + PAGE)
    page.fill("#id_narrative", "more unsaved words")
    page.goto(base + "/workspace/")
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('mirps-'))") == []
    sign_in(page, base)
    page.goto(base + PAGE)
    assert page.input_value("#id_narrative") == ""
