"""Every page a person meets, in Chromium, in both languages at 1366 and 390 px: the page never
scrolls sideways and its labels are in the reader's language. Screenshots land in
test-artifacts/pages-<page>-<language>-<width>.png for people to look at.

One live server and one data set per language; each page is loaded once and looked at in both
widths (the layout follows the width through CSS alone), so the whole module stays fast.
"""

import pytest
from django.contrib.auth import get_user_model

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.services import record_status
from tests.browser.conftest import ARTIFACTS
from tests.builders import member, secretariat
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 390]
FILE_NAME = "GTM_matriz_de_monitoreo_version_final_revisada_por_la_direccion_general.csv"

# Per page: who looks (public, team: Guatemala's national team, staff: the secretariat), the
# address, and a label that must be visible in each language (besides the menu's "Progress").
PAGES = [
    (
        "dashboard",
        "public",
        "/",
        {"en": "Progress of the MIRPS commitments", "es": "Avance de los compromisos del MIRPS"},
    ),
    ("country", "public", "/countries/GTM/", {"en": "By pillar", "es": "Por pilar"}),
    ("public-list", "public", "/commitments/", {"en": "Commitments", "es": "Compromisos"}),
    ("public-detail", "public", "/commitments/GTM-PRO-01/", {"en": "Pillar", "es": "Pilar"}),
    (
        "not-found",
        "public",
        "/no-such-page/",
        {"en": "Page not found", "es": "Página no encontrada"},
    ),
    (
        "admin-login",
        "public",
        "/admin/login/",
        {"en": "MIRPS monitor — administration", "es": "Monitor MIRPS — administración"},
    ),
    ("forbidden", "team", "/workspace/review/", {"en": "Not allowed", "es": "No permitido"}),
    (
        "matrix",
        "team",
        "/workspace/countries/GTM/matrix/",
        {"en": "Submit all changes for review", "es": "Enviar todos los cambios a revisión"},
    ),
    ("upload-preview", "team", None, {"en": "What will change", "es": "Qué cambiará"}),
    (
        "review",
        "staff",
        "/workspace/review/",
        {"en": "Return with this comment", "es": "Devolver con este comentario"},
    ),
    (
        "workspace-list",
        "staff",
        "/workspace/commitments/",
        {"en": "Download this list", "es": "Descargar esta lista"},
    ),
    (
        "workspace-detail",
        "staff",
        "/workspace/commitments/GTM-PRO-02/",
        {"en": "History", "es": "Historial"},
    ),
]
MENU = {"en": "Progress", "es": "Avance"}
OTHER = {"en": "es", "es": "en"}


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def upload_preview(page, base) -> str:
    """Upload a small sheet with a long file name (the page's heading) and return the
    preview's address."""
    page.goto(f"{base}/workspace/spreadsheets/")
    sheet = "Code,Commitment,Status,Narrative\n" + "".join(
        f"GTM-PRO-0{n},,{n},{'A narrative long enough to wrap over several lines. ' * 4}\n"
        for n in range(1, 5)
    )
    page.set_input_files(
        "#id_file", {"name": FILE_NAME, "mimeType": "text/csv", "buffer": sheet.encode()}
    )
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/workspace/spreadsheets/*/")
    return page.url


def shoot(page, name: str) -> None:
    # The window only (not the full page): what a person sees first, and a tenth of the cost of
    # a full-page picture of the long lists.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_pages_in_both_languages_fit_a_desktop_and_a_phone(live_server, chromium):
    loaded_plans()
    period = ReportingPeriod.objects.filter(locked=False).order_by("-end_date").first()
    gabriel = member("gabriel", "GTM", password="pw-Gabriel-2024")
    sofia = secretariat("sofia", password="pw-Sofia-2024")
    get_user_model().objects.filter(pk=sofia.pk).update(is_staff=True)
    for commitment in Commitment.objects.filter(country__iso3="GTM").order_by("code")[:3]:
        record_status(
            commitment=commitment,
            period=period,
            status=3,
            narrative="Directorate staffed with twelve officers; training under way. " * 6,
            evidence_url="https://example.org/evidence/a-very-long-path/report-final.pdf",
            user=gabriel,
        )
    base = live_server.url
    problems = []
    for language in ("en", "es"):
        locale = "en-GB" if language == "en" else "es-ES"
        pages = {}
        for who in ("public", "team", "staff"):
            context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            pages[who] = context.new_page()
        sign_in(pages["team"], base, "gabriel", "pw-Gabriel-2024")
        sign_in(pages["staff"], base, "sofia", "pw-Sofia-2024")
        for name, who, path, labels in PAGES:
            page = pages[who]
            page.set_viewport_size({"width": 1366, "height": 900})
            if path is None:
                upload_preview(page, base)
            else:
                page.goto(base + path)
            if page.evaluate("document.documentElement.lang") != language:
                problems.append(f"{name} is not in {language}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                shoot(page, f"pages-{name}-{language}-{width}")
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 0:
                    problems.append(f"{name} {language} {width}px scrolls sideways by {wide}px")
                text = page.inner_text("body")
                if labels[language] not in text:
                    problems.append(f"{name} {language} {width}px lacks {labels[language]!r}")
                if "{#" in text or "{%" in text:  # a template comment shown as text
                    problems.append(f"{name} {language} {width}px shows template syntax")
                if labels[OTHER[language]] in text:
                    problems.append(
                        f"{name} {language} {width}px shows {labels[OTHER[language]]!r}"
                    )
                if name != "admin-login" and MENU[language] not in page.inner_text("nav"):
                    problems.append(f"{name} {language} {width}px: the menu is not in {language}")
        for page in pages.values():
            page.context.close()
    assert problems == []

    # The review queue on a phone: the first Return without a comment says so on its row;
    # with the comment typed in that row, it returns that one update.
    context = chromium.new_context(viewport={"width": 390, "height": 900}, locale="en-GB")
    staff = context.new_page()
    sign_in(staff, base, "sofia", "pw-Sofia-2024")
    staff.goto(f"{base}/workspace/review/")
    first = staff.locator("article.review-item").first
    first.locator("button[name=return_one]").click()
    staff.wait_for_load_state()
    first = staff.locator("article.review-item").first
    assert "Say why the submission is returned." in first.locator("[role=alert]").inner_text()
    first.locator("textarea").fill("Attach the decree")
    first.locator("button[name=return_one]").click()
    staff.wait_for_load_state()
    assert "1 update returned." in staff.inner_text(".messages")
    assert staff.locator("article.review-item").count() == 2
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
