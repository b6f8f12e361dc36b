"""The first page: correct figures, both languages, the data-quality line, the demo banner."""

import re

import pytest

from demo.services import seed_demo
from reports import progress
from tests.builders import period
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans():
    loaded_plans()


def test_home_shows_the_engines_figures(client, plans):
    seed_demo()
    response = client.get("/", {"period": "2023"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    by_pillar = progress.compute(["pillar"], period("2023"))
    by_country = progress.compute(["country"], period("2023"))
    for group in by_pillar.groups + by_country.groups:
        assert f"{group.stats.progress:.1f}%" in html
    assert f"{by_pillar.total.progress:.1f}%" in html
    assert "Demo" in html or "demo" in html


def test_home_shows_number_and_label_beside_every_colour(client, plans):
    seed_demo()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ["Completed", "Not started", "Not reported"]:
        assert label in html
    # every coloured segment's level number and count is written out as text beside the bar
    segments = re.findall(r'<span class="seg[^"]*"[^>]*title="([^"]*)"', html)
    counts = re.findall(r'<span class="count">([^<]*)</span>', html)
    assert segments and len(counts) == len(segments)
    assert all(re.fullmatch(r"(\d|–): \d+", c) for c in counts)
    # and each count carries the level's label for screen readers, and links to its commitments
    labelled = re.findall(
        r'<a class="count-link" href="/commitments/\?[^"]*status=[^"]+">'
        r'<span class="dot"[^>]*></span><span class="visually-hidden">([^<]+), </span>'
        r'<span class="count">',
        html,
    )
    assert len(labelled) == len(counts)


def test_home_data_quality_line_names_the_discrepancies(client, plans):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The plans state 229 commitments in all; 229 are loaded" in html
    assert "HND PRO (stated 39, loaded 38)" in html
    assert "BLZ PRO (stated 7, loaded 6)" in html


def test_home_in_spanish_by_default_and_english_on_request(client, plans):
    spanish = client.get("/").content.decode()
    assert 'lang="es"' in spanish and "Por pilar" in spanish
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "By pillar" in english


def test_home_without_any_status_is_pleasant_not_broken(client, plans):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "n/a" in html
    assert "Demo data" not in html


def test_home_query_count_is_constant(client, plans, django_assert_num_queries):
    seed_demo()
    # Cold cache. Reference: periods; latest period with data; countries; pillars; focus areas.
    # The demo flag (banner). Numbers, in one query: commitments counted by (country, pillar,
    # focus area, status) as of the period, and their statuses over the periods (trend and
    # what moved).
    # Figures by pillar, by country, by focus area and country × pillar from those counts: the
    # members of each dimension (3). Data quality: plans, stated counts with focus areas,
    # loaded counts.
    with django_assert_num_queries(5 + 1 + 1 + 3 + 3):
        client.get("/")
    # Warm cache: the page's content, figures and demo flag are cached: no query.
    with django_assert_num_queries(0):
        client.get("/")
