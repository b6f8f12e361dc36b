"""Country, commitment, list, method and embed pages: public, approved statuses only, both
languages, the engine's figures."""

import re

import pytest

from demo.services import seed_demo
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from reports import progress
from tests.builders import CountryBuilder, report
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    loaded_plans()
    seed_demo()


def test_country_page(client, demo):
    period = ReportingPeriod.objects.get(code="2024")
    html = client.get("/countries/hnd/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    assert html.status_code == 200
    html = html.content.decode()
    assert '<h1 id="h-page">Honduras</h1>' in html
    total = progress.compute(period=period, country="HND").total
    assert f"{total.progress:.1f}%" in html
    for by in (["pillar"], ["focus_area"]):
        for group in progress.compute(by, period, country="HND").groups:
            if group.stats.commitments:
                assert f"({group.stats.reported}/{group.stats.commitments})" in html
    # trend, commitments with status and narrative, data quality (stated vs loaded)
    for p, stats in progress.trend(country="HND"):
        assert f"{stats.reported}/{stats.commitments}</a>" in html, p.code
    assert html.count('<td class="code"><a href="/commitments/HND-') == total.commitments
    assert "[DEMO] Synthetic status for HND-" in html
    assert "The plan states 44 commitments; 43 are loaded" in html
    assert "PRO (stated 39, loaded 38)" in html
    assert client.get("/countries/XYZ/").status_code == 404


def test_commitment_page_shows_approved_history_only(client):
    b = CountryBuilder("AAA", "Atlantis")
    c = b.commitment(text="Build ten reception centres")
    report(c, "2023", 1, narrative="Site chosen")
    report(c, "2024", 3, narrative="Four centres open")
    hidden = report(c, "2024", 5, narrative="Secret draft")
    hidden.review_state = ReviewState.SUBMITTED
    hidden.save()
    html = client.get(f"/commitments/{c.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Build ten reception centres" in html
    assert "Site chosen" in html and "Four centres open" in html
    assert "Secret draft" not in html
    assert html.index("Site chosen") < html.index("Four centres open")
    assert "3 · Being implemented (60%)" in html  # current status, number and label
    assert "Pillar" in html and "Atlantis" in html
    assert client.get("/commitments/AAA-PRO-99/").status_code == 404
    listing = client.get("/commitments/", {"period": "2024"}).content.decode()
    assert "Secret draft" not in listing and "Four centres open" in listing


def test_commitment_list_filters(client, demo):
    period = ReportingPeriod.objects.get(code="2022")
    for params, expected in [
        ({"country": "GTM"}, progress.compute(period=period, country="GTM").total.commitments),
        (
            {"country": "GTM", "status": "not_reported"},
            progress.compute(period=period, country="GTM").total.not_reported,
        ),
        (
            {"pillar": "3", "status": "reported"},
            progress.compute(period=period, pillar=3).total.reported,
        ),
        (
            {"focus_area": "edu", "status": "0"},
            progress.compute(period=period, focus_area="EDU").total.levels[0],
        ),
    ]:
        html = client.get("/commitments/", {"period": "2022", **params}).content.decode()
        assert html.count('<td class="code">') == expected, params


def test_pages_in_spanish_by_default_and_english_on_request(client, demo):
    period = ReportingPeriod.objects.get(code="2024")
    for url, country in [("/", None), ("/countries/GTM/", "GTM"), ("/report/", None)]:
        total = progress.compute(period=period, country=country).total
        spanish = client.get(url, {"period": "2024"}).content.decode()
        english = client.get(url, {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'lang="es"' in spanish and 'lang="en"' in english
        assert f"{total.progress:.1f}%" in spanish  # a decimal point in Spanish too
        assert f"{total.progress:.1f}%" in english
        assert "Por pilar" in spanish and "By pillar" in english  # already in the catalogue


def test_embed_is_minimal_frameable_and_bilingual(client, demo):
    response = client.get("/embed/GTM/", {"period": "2024", "lang": "en"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert '<html lang="en">' in html and "site-header" not in html
    total = progress.compute(period=ReportingPeriod.objects.get(code="2024"), country="GTM").total
    assert f"{total.progress:.1f}%" in html
    assert 'target="_blank"' in html and "/countries/GTM/?period=2024" in html
    spanish = client.get("/embed/", {"lang": "es"}).content.decode()
    assert '<html lang="es">' in spanish
    # every other page keeps refusing to be framed
    home = client.get("/")
    assert home["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]
    assert client.get("/embed/XYZ/").status_code == 404


def test_embed_snippet_on_the_dashboard_and_country_page(client, demo):
    html = client.get("/", {"period": "2024"}).content.decode()
    snippet = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert snippet.startswith('&lt;iframe src="http://testserver/embed/?period=2024"')
    country = client.get("/countries/PAN/", {"period": "2023"}).content.decode()
    assert "http://testserver/embed/PAN/?period=2023" in country


def test_no_inline_scripts_and_charts_from_our_own_static_files(client, demo):
    html = client.get("/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attrs in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert '/static/vendor/chart.js/chart.umd.min.js"' in html
    assert "cdn" not in html.lower()
    chart = client.get("/static/vendor/chart.js/chart.umd.min.js")
    assert chart.status_code == 200
    assert b"Chart" in b"".join(chart.streaming_content)


# --- Issue 11: the country page's figures follow its filters, as its export does -----------


@pytest.mark.parametrize(
    "params", [{"period": "2024", "pillar": "2"}, {"period": "2023", "focus_area": "PRO"}]
)
def test_country_page_figures_follow_its_filters_and_agree_with_its_export(client, demo, params):
    import csv
    import io

    period = ReportingPeriod.objects.get(code=params["period"])
    filters = {k: (int(v) if k == "pillar" else v) for k, v in params.items() if k != "period"}
    engine = progress.compute(period=period, country="GTM", **filters).total
    unfiltered = progress.compute(period=period, country="GTM").total
    assert engine.progress != unfiltered.progress  # so the test can tell them apart
    html = client.get("/countries/GTM/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{engine.progress:.1f}%" in html
    assert f"({engine.reported}/{engine.commitments})" in html
    assert f"{unfiltered.progress:.1f}%" not in html
    # the commitments listed are the filtered ones
    assert html.count('<td class="code"><a href="/commitments/GTM-') == engine.commitments
    export = client.get(
        "/export/pillar.csv", {**params, "country": "GTM"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, total = rows[0], rows[-1]
    assert float(total[header.index("Progress (%)")]) == engine.progress
    assert int(total[header.index("Commitments")]) == engine.commitments
    # the page's form keeps the filter (pillar and focus area selects, no country select)
    if "pillar" in params:
        assert f'<option value="{params["pillar"]}" selected>' in html
    assert 'name="pillar"' in html and 'name="focus_area"' in html
    assert 'name="country"' not in html
    # a page with only the period is unchanged (its own cache entry)
    plain = client.get("/countries/GTM/", {"period": params["period"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert f"{unfiltered.progress:.1f}%" in plain.content.decode()


def test_country_page_has_no_row_for_a_focus_area_it_lacks(client, demo):
    from commitments.models import FocusArea

    period = ReportingPeriod.objects.get(code="2024")
    empty = [
        g
        for g in progress.compute(["focus_area"], period, country="GTM").groups
        if not g.stats.commitments
    ]
    assert empty
    html = client.get(
        "/countries/GTM/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "(0/0)" not in html
    html = re.sub(r"<select.*?</select>", "", html, flags=re.S)  # the filter lists them all
    for group in empty:
        name = FocusArea.objects.get(code=group.keys["focus_area"]).name
        assert f">{name}<" not in html


def test_no_template_comment_leaks_into_a_page(client, demo):
    """Django's {# #} comments are one line only: a two-line one is printed as text."""
    from pathlib import Path

    for path in Path("templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert line.count("{#") == line.count("#}"), f"{path}:{number}"
    for url in ("/", "/countries/GTM/", "/commitments/", "/changes/"):
        assert "{#" not in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "coverage: 1 of 1 commitment reported"),
        ("es", "cobertura: 1 de 1 compromiso reportado"),
    ],
)
def test_a_one_commitment_selection_reads_in_the_singular(client, language, text):
    b = CountryBuilder("AAA", "Atlantis")
    report(b.commitment(), "2024", 3)
    html = client.get("/countries/AAA/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE=language)
    assert text in " ".join(html.content.decode().split())


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [(1 / 229, "<1%"), (0, "0%"), (0.4321, "43%"), (228 / 229, ">99%"), (1, "100%"), (None, "")],
)
def test_a_share_never_rounds_to_0_or_100_against_its_counts(fraction, shown):
    """The home page read "0% · updated in 2025: 1 of 229 commitments"."""
    from reports.templatetags.monitor import percent

    assert percent(fraction) == shown
