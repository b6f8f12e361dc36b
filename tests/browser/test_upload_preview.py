"""Issue 19's upload preview in a real browser, in Spanish and English, desktop and phone: the
commitment texts in the reader's language, duplicates as one problem naming their rows, a list
cut and said so, a status that contradicts itself quoted, and the apply button's two counts."""

import pytest

from commitments.models import Commitment
from spreadsheets import importer
from tests.browser.conftest import ARTIFACTS
from tests.builders import member
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def _sheet() -> bytes:
    lines = ["Código,Nuevo estado,Narrativa"]
    lines += ["GTM-PRO-01,3,Se abrió la oficina de Quetzaltenango y se capacitó al personal."]
    lines += ["GTM-PRO-02,4 (20%),avance"]  # contradicts itself
    lines += [f"GTM-PRO-03,{i % 6},nota {i}" for i in range(40)]  # one commitment in 40 rows
    lines += [f"GTM-XXX-{i:02d},2,x" for i in range(12)]  # unknown codes: the list is cut
    return ("\n".join(lines) + "\n").encode()


def test_the_preview_in_both_languages(live_server, chromium, monkeypatch):
    loaded_plans()
    monkeypatch.setattr(importer, "MAX_LISTED", 10)
    member("gabriel", "GTM", password="pw-Gabriel-2024")
    base = live_server.url
    commitment = Commitment.objects.get(code="GTM-PRO-01")
    problems = []
    for language in ("es", "en"):
        context = chromium.new_context(
            viewport={"width": 1366, "height": 900}, locale="es-ES" if language == "es" else "en-GB"
        )
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "gabriel")
        page.fill("#id_password", "pw-Gabriel-2024")
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        page.goto(f"{base}/workspace/spreadsheets/")
        page.set_input_files(
            "#id_file", {"name": "avance.csv", "mimeType": "text/csv", "buffer": _sheet()}
        )
        page.click("form[enctype] button[type=submit]")
        page.wait_for_url("**/workspace/spreadsheets/*/")
        changes = page.inner_text("#changes")
        lead, other = (
            (commitment.text_es, commitment.text)
            if language == "es"
            else (commitment.text, commitment.text_es)
        )
        lead_words = " ".join(lead.split()[:6])
        assert lead_words in changes, (language, changes)
        # the other language is folded away (a <details>), not shown first
        assert " ".join(other.split()[:6]) not in page.locator("#changes td").nth(1).inner_text()
        table = page.inner_text("#problems")
        if language == "es":
            assert (
                "GTM-PRO-03 está en 40 filas con estados, narrativas o enlaces distintos" in table
            )
            assert "y 35 más" in table
            assert "«4 (20%)» no indica un solo nivel" in table
            assert "Aquí se muestran los primeros 10 de 14 problemas" in page.inner_text("main")
            button = page.inner_text("button[value=apply_valid]")
            assert " ".join(button.split()) == "Aplicar 1 fila válida y omitir las 53 señaladas"
        else:
            assert "GTM-PRO-03 is in 40 rows with different statuses, narratives" in table
            assert "and 35 more" in table
            assert "“4 (20%)” does not name one level" in table
            assert "The first 10 of 14 problems are listed here" in page.inner_text("main")
            button = page.inner_text("button[value=apply_valid]")
            assert " ".join(button.split()) == "Apply the 1 valid row and skip the 53 listed"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"upload-issue19-{language}-{width}.png"), full_page=True
            )
            # the changes and the problems as a person scrolls to them (the apply bar sticks)
            page.locator("#h-changes").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -20)")
            page.screenshot(path=str(ARTIFACTS / f"upload-issue19-changes-{language}-{width}.png"))
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wide > 0:
                problems.append(f"{language} {width}px scrolls sideways by {wide}px")
        context.close()
    assert problems == []
