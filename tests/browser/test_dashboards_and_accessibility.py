"""The public dashboards in headless Chromium: figures, filters in the URL, charts, phone width,
and an automated accessibility check (axe-core, from the npm registry) in both languages."""

import contextlib
import http.server
import threading
from pathlib import Path

import pytest
from django.core.cache import cache

from demo.services import seed_demo
from periods.models import ReportingPeriod
from reports import progress
from tests.browser.conftest import DESKTOP, PHONE
from tests.plans import loaded_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def data():
    cache.clear()
    loaded_plans()
    seed_demo()
    yield
    cache.clear()


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2 A/AA violations that axe-core finds on the page."""
    assert AXE.exists(), "axe-core missing: run `make install` (npm ci)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def switch_to_spanish(page):
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"


def test_dashboard_figures_filters_charts_and_phone(live_server, page, screenshot, data):
    page.goto(f"{live_server.url}/?period=2024")
    total = progress.compute(period=ReportingPeriod.objects.get(code="2024")).total
    assert page.locator(".card .big").first.inner_text() == f"{total.progress:.1f}%"
    page.wait_for_selector("html[data-charts=ready]")
    # Chart.js drew on both canvases (pixels, not a blank box).
    for canvas in ["#chart-distribution", "#chart-trend"]:
        assert page.evaluate(f"document.querySelector('{canvas}').width") > 100
    screenshot(page, "dashboard-desktop")

    # Filters update every panel and the URL (a shareable link).
    page.select_option("#f-country", "GTM")
    page.select_option("#f-pillar", "2")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "country=GTM" in page.url and "pillar=2" in page.url and "period=2024" in page.url
    filtered = progress.compute(
        period=ReportingPeriod.objects.get(code="2024"), country="GTM", pillar=2
    ).total
    expected = "n/a" if filtered.progress is None else f"{filtered.progress:.1f}%"
    assert page.locator(".card .big").first.inner_text() == expected
    # The shared link opens the same view.
    other = page.context.new_page()
    other.goto(page.url)
    assert other.locator(".card .big").first.inner_text() == expected
    other.close()

    # "How is this computed?" opens with one click and shows the counts behind the number.
    page.goto(f"{live_server.url}/?period=2024")
    how = page.locator("details.how").first
    how.locator("summary").click()
    assert f"= {total.progress:.1f}%" in how.inner_text()

    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector("html[data-charts=ready]")
    screenshot(page, "dashboard-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


@pytest.mark.parametrize(
    "path", ["/?period=2024", "/countries/GTM/", "/commitments/GTM-HEA-01/", "/changes/"]
)
def test_public_pages_pass_axe_in_both_languages(live_server, chromium, path, data):
    # axe-core is injected as a script, which the site's CSP (script-src 'self') rightly
    # refuses: this test's browser context bypasses CSP; the others keep it.
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    assert axe_violations(page) == []
    switch_to_spanish(page)
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
    context.close()


def test_country_commitment_and_report_pages(live_server, page, screenshot, data):
    period = ReportingPeriod.objects.get(code="2024")
    page.goto(f"{live_server.url}/countries/HND/?period=2024")
    total = progress.compute(period=period, country="HND").total
    assert page.locator("h1").inner_text() == "Honduras"
    assert page.locator(".card .big").first.inner_text() == f"{total.progress:.1f}%"
    assert "stated 39, loaded 38" in page.locator("#h-quality + p").inner_text()
    page.wait_for_selector("html[data-charts=ready]")
    screenshot(page, "country-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "country-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/commitments/HND-PRO-01/")
    assert page.locator("h1").inner_text() == "HND-PRO-01"
    screenshot(page, "commitment-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "commitment-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/report/?period=2024")
    assert "stands at" in page.locator(".paragraphs").inner_text()
    page.wait_for_selector("html[data-charts=ready]")
    screenshot(page, "report-desktop")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    screenshot(page, "report-print")

    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/changes/?period=2024")
    screenshot(page, "changes-desktop")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/commitments/?period=2024&country=GTM&status=3")
    screenshot(page, "commitments-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_embed_is_framed_by_another_site(live_server, page, screenshot, data):
    """A donor's page on another origin frames /embed/GTM/ (it loads and shows the figures);
    the ordinary pages refuse to be framed (X-Frame-Options DENY, frame-ancestors 'none')."""
    total = progress.compute(period=ReportingPeriod.objects.get(code="2024"), country="GTM").total
    frames = {
        "embed": f"{live_server.url}/embed/GTM/?period=2024&lang=en",
        "home": f"{live_server.url}/?period=2024",
    }
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>Donor</title></head><body>'
        "<h1>A donor's site</h1>"
        + "".join(
            f'<iframe name="{name}" src="{src}" title="{name}" width="620" height="560"></iframe>'
            for name, src in frames.items()
        )
        + "</body></html>"
    )
    with donor_site(html) as donor:
        page.goto(donor)
        check_frames(page, total)
        screenshot(page, "embed-in-iframe")


@contextlib.contextmanager
def donor_site(html: str):
    """Serve ``html`` from another origin (127.0.0.1, where the live server is localhost), on
    the loopback so that Chromium's local-network checks let it frame the live server."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check_frames(page, total):
    embedded = page.frame_locator('iframe[name="embed"]')
    assert embedded.locator(".card .big").first.inner_text() == f"{total.progress:.1f}%"
    assert embedded.locator("h1").inner_text().startswith("MIRPS commitments · Guatemala")
    page.wait_for_timeout(300)
    refused = page.frame(name="home")
    assert refused is None or refused.locator(".card .big").count() == 0
