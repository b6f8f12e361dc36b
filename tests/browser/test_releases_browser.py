"""The Releases pages in Chromium, in both languages at 1366 and 390 px: a 1.0 and a 1.1 with
errata, the page never scrolls sideways, labels in the reader's language. Screenshots:
test-artifacts/releases-<page>-<language>-<width>.png."""

import pytest

from commitments.services import load_plans
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from statuses.services import StatusChange, record_many
from tests.browser.conftest import ARTIFACTS
from tests.builders import secretariat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("list", "/releases/", {"en": "Open data releases", "es": "Publicaciones de datos abiertos"}),
    ("detail", "/releases/2024/1.1/", {"en": "How to cite", "es": "Cómo citar"}),
    ("dashboard", "/?period=2024", {"en": "version 1.1", "es": "versión 1.1"}),
]


def test_releases_pages_fit_in_both_languages(live_server, chromium):
    from commitments.models import Commitment

    load_plans()
    staff = secretariat("sofia")
    period = ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )[0]
    first = list(Commitment.objects.filter(country__iso3="GTM").order_by("code")[:3])
    record_many(
        [StatusChange(c, 3, "Directorate staffed; training under way. " * 5, None) for c in first],
        period=period,
        user=staff,
    )
    set_period_locked(period=period, locked=True, user=staff)
    set_period_locked(
        period=period, locked=False, user=staff, reason="Guatemala sent a corrected report"
    )
    record_many(
        [StatusChange(first[0], 4, "The decree was signed", None)], period=period, user=staff
    )
    set_period_locked(period=period, locked=True, user=staff)

    base = live_server.url
    problems = []
    ARTIFACTS.mkdir(exist_ok=True)
    for language in ("en", "es"):
        context = chromium.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        for name, path, labels in PAGES:
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(base + path)
            for width in (1366, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(ARTIFACTS / f"releases-{name}-{language}-{width}.png"))
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 0:
                    problems.append(f"{name} {language} {width}px scrolls sideways by {wide}px")
                # a checksum wraps inside its card (it ran out of it, cut by the table's scroll)
                cut = page.evaluate(
                    "Math.max(0, ...[...document.querySelectorAll('code.checksum')]"
                    ".map(e => e.getBoundingClientRect().right - window.innerWidth))"
                )
                if cut > 0:
                    problems.append(f"{name} {language} {width}px cuts a checksum by {cut}px")
                text = page.inner_text("body")
                if labels[language] not in text:
                    problems.append(f"{name} {language} {width}px lacks {labels[language]!r}")
                other = labels["es" if language == "en" else "en"]
                if other in text:
                    problems.append(f"{name} {language} {width}px shows {other!r}")
        context.close()
    assert problems == []
