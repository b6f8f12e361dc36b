"""The regional dashboard against the API: the same numbers in every panel, for every period
and filter, each figure linking to the commitments behind it."""

import html as html_lib
import re

import pytest

from demo.services import seed_demo
from reports.dashboard import LOW_COVERAGE
from tests.builders import CountryBuilder, report
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    loaded_plans()
    seed_demo()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def rows(fragment: str) -> list[str]:
    """The text of each body row of the tables in ``fragment`` (tags stripped, spaces joined)."""
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S))
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        text = html_lib.unescape(re.sub(r"<[^>]+>", " ", row))
        out.append(" ".join(text.split()))
    return out


def api(client, **params):
    response = client.get("/api/v1/progress/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def progress_text(value) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def assert_panel_equals_api(html: str, heading_id: str, groups: list[dict]):
    found = rows(section(html, heading_id))
    assert len(found) == len(groups)
    for text, group in zip(found, groups, strict=True):
        assert text.startswith(group["label"]), (text, group)
        assert progress_text(group["progress"]) in text
        assert (
            f"{round(group['coverage'] * 100)}% ({group['reported']}/{group['commitments']})"
            in (text)
        )
        for level in ["5", "4", "3", "2", "1", "0"]:
            if group["levels"][level]:
                assert f"{level}: {group['levels'][level]}" in text
        if group["levels"]["not_reported"]:
            assert f"–: {group['levels']['not_reported']}" in text


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2024"},
        {"period": "2022"},
        {"period": "2024-H1", "country": "GTM"},
        {"period": "2023", "pillar": "2"},
        {"period": "2024", "focus_area": "EDU", "country": "HND"},
    ],
)
def test_every_panel_equals_the_api(client, demo, params):
    html = client.get("/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for by, heading in [("pillar", "h-pillar"), ("country", "h-country"), ("focus_area", "h-area")]:
        data = api(client, by=by, **params)
        assert_panel_equals_api(html, heading, data["groups"])
    total = api(client, **params)["total"]
    headline = section(html, "h-region")
    assert progress_text(total["progress"]) in headline
    noun = "commitment" if total["commitments"] == 1 else "commitments"  # HND-EDU: 1
    assert f"coverage: {total['reported']} of {total['commitments']} {noun} reported" in headline
    # the headline's count at each level
    levels = re.findall(r'<strong class="lvl-count">(\d+)</strong>', headline)
    assert [int(n) for n in levels] == [
        total["levels"][k] for k in ["5", "4", "3", "2", "1", "0", "not_reported"]
    ]
    # country × pillar heatmap: one cell per API group, in order
    cells = api(client, by="country,pillar", **params)["groups"]
    heat = re.findall(r'<td class="heat"[^>]*>(.*?)</td>', section(html, "h-heatmap"), re.S)
    assert len(heat) == len(cells)
    for cell_html, group in zip(heat, cells, strict=True):
        text = " ".join(re.sub(r"<[^>]+>", " ", cell_html).split())
        if group["commitments"]:
            assert text.startswith(
                f"{progress_text(group['progress'])} {group['reported']}/{group['commitments']}"
            )
        else:
            assert text.startswith("–")


def test_trend_equals_the_api_for_each_period(client, demo):
    html = client.get("/", {"country": "SLV"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = rows(section(html, "h-trend"))
    periods = [p["code"] for p in client.get("/api/v1/periods/").json()]
    assert len(found) == len(periods) >= 5
    for text, code in zip(found, periods, strict=True):
        total = api(client, period=code, country="SLV")["total"]
        assert text.startswith(code)
        assert progress_text(total["progress"]) in text
        assert f"{total['reported']}/{total['commitments']}" in text


def test_period_selector_and_filters_are_in_the_url_and_in_every_link(client, demo):
    html = client.get(
        "/", {"period": "2023", "country": "MEX", "pillar": "4"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<option value="2023" selected>' in html
    assert '<option value="MEX" selected>' in html
    assert '<option value="4" selected>' in html
    trend = section(html, "h-trend")  # (its rows link to the other periods, on purpose)
    links = re.findall(r'href="(/(?:commitments|export)/[^"]*)"', html.replace(trend, ""))
    assert links
    for link in links:
        link = html_lib.unescape(link)
        assert "period=2023" in link and "country=MEX" in link, link


def test_unknown_filters_are_ignored_not_an_error(client, demo):
    response = client.get(
        "/", {"period": "1999", "country": "ZZZ", "pillar": "9", "focus_area": "?"}
    )
    assert response.status_code == 200
    latest = api(client, period="2024")["total"]
    assert progress_text(latest["progress"]) in response.content.decode()


def test_every_figure_links_to_the_commitments_behind_it(client, demo):
    html = client.get("/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    pillar_panel = section(html, "h-pillar")
    groups = api(client, by="pillar", period="2024")["groups"]
    progress_links = re.findall(
        r'<td class="num progress">(?:<span class="phone-label">[^<]*</span>)?<a href="([^"]+)"',
        pillar_panel,
    )
    assert len(progress_links) == len(groups)
    for link, group in zip(progress_links, groups, strict=True):
        listed = client.get(html_lib.unescape(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f"{group['reported']} commitment" in listed
        assert listed.count('<td class="code">') == group["reported"]
    # a level count of the country panel: exactly that many commitments at that level
    country_panel = section(html, "h-country")
    link, level, count = re.search(
        r'<a class="count-link" href="([^"]+status=(\d))">.*?<span class="count">\d: (\d+)</span>',
        country_panel,
        re.S,
    ).groups()
    listed = client.get(html_lib.unescape(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert listed.count('<td class="code">') == int(count)
    assert listed.count(f'">{level} · ') == int(count)  # every chip in the list shows the level


def test_low_coverage_is_said_next_to_the_figure(client):
    builder = CountryBuilder("AAA", "Atlantis")
    few = [builder.commitment(pillar=1) for _ in range(10)]
    many = [builder.commitment(pillar=2) for _ in range(4)]
    report(few[0], "2024", 5)  # 1 of 10: 100% progress on 10% coverage
    for c in many:
        report(c, "2024", 3)
    assert 1 / 10 < LOW_COVERAGE <= 4 / 4
    html = client.get("/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    pillars = rows(section(html, "h-pillar"))
    assert "100.0% low coverage: only 1 of 10 reported" in pillars[0]
    assert "low coverage" not in pillars[1]
    html_es = client.get("/", {"period": "2024"}).content.decode()
    assert "100.0%" in html_es and "100,0%" not in html_es


def test_demo_data_is_announced_on_every_public_page(client, demo):
    for url in [
        "/",
        "/countries/GTM/",
        "/commitments/",
        "/commitments/GTM-HEA-01/",
        "/changes/",
        "/report/",
        "/methodology/",
        "/embed/",
    ]:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Demo data" in html, url


def test_how_each_figure_is_computed_shows_the_counts(client, demo):
    html = client.get("/", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    total = api(client, period="2024")["total"]
    how = re.search(r'<details class="how">(.*?)</details>', html, re.S).group(1)
    levels = total["levels"]
    terms = " + ".join(f"{k} × {levels[k]}" for k in ["5", "4", "3", "2", "1", "0"] if levels[k])
    status_sum = sum(int(k) * levels[k] for k in ["5", "4", "3", "2", "1", "0"])
    assert (
        f"({terms}) × 20% ÷ {total['reported']} = {status_sum} × 20% ÷ {total['reported']} = "
        f"{total['progress']:.1f}%"
    ) in html_lib.unescape(how)
    assert f"{levels['not_reported']} of the {total['commitments']} commitments" in how
    # and one such explanation on every panel
    assert html.count('<details class="how">') >= 8
