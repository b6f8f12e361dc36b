"""The public list of commitments: searched in both languages whatever the case and accents,
a page at a time with its counts, the search and filters kept in the URL; each text in the
reader's language first, the Spanish marked as our working translation."""

import re

import pytest

from commitments.models import Commitment
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db

CODE = re.compile(r'<td class="code"><a href="/commitments/([A-Z]{3}-[A-Z]{3}-\d{2})/">')


@pytest.fixture
def plans():
    loaded_plans()


def codes(client, **params) -> set[str]:
    html = client.get("/commitments/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return set(CODE.findall(html))


@pytest.mark.parametrize("q", ["asilo", "ASILO", "migracion", "MIGRACIÓN", "asylum"])
def test_the_search_finds_both_languages_whatever_the_case_and_accents(client, plans, q):
    expected = set(Commitment.objects.search(q).values_list("code", flat=True))
    assert 3 < len(expected) <= 100  # one page
    assert codes(client, q=q) == expected
    html = client.get("/commitments/", {"q": q}).content.decode()
    assert f'value="{q}"' in html  # Spanish page, the box keeps the search
    assert re.search(rf"{len(expected)} compromisos? coincide", html)


def test_spanish_words_find_the_same_rows_as_their_english(client, plans):
    assert (
        codes(client, q="migracion") == codes(client, q="MIGRACIÓN") == codes(client, q="Migración")
    )
    assert codes(client, q="asilo") & codes(client, q="asylum")


def test_the_search_combines_with_the_filters_and_the_pages_keep_them(client, plans):
    gtm = codes(client, q="migracion", country="GTM")
    assert gtm and all(code.startswith("GTM-") for code in gtm)
    assert gtm == codes(client, q="migracion") & {c for c in codes(client, country="GTM")}
    html = client.get("/commitments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1–100 of 229" in html and "page 1 of 3" in html
    many = client.get("/commitments/", {"q": "de", "focus_area": "PRO"}, HTTP_ACCEPT_LANGUAGE="en")
    total = Commitment.objects.filter(focus_area__code="PRO").search("de").count()
    assert total > 100 and f"1–100 of {total}" in many.content.decode()
    assert "q=de" in re.search(r'rel="next" href="([^"]+)"', many.content.decode()).group(1)
    assert "focus_area=PRO" in re.search(r'rel="next" href="([^"]+)"', many.content.decode()).group(
        1
    )
    # the downloads follow the search too
    csv = client.get("/commitments/", {"q": "migracion", "country": "GTM", "format": "csv"})
    assert set(re.findall(r"GTM-[A-Z]{3}-\d{2}", csv.content.decode())) == gtm


def test_no_match_and_nonsense_are_a_clear_page_not_an_error(client, plans):
    for q in ("zzzzqqq", "&|!:*()", "'; drop table", "x" * 500):
        response = client.get("/commitments/", {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
    assert (
        "No commitment matches."
        in client.get("/commitments/", {"q": "zzzzqqq"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_each_page_leads_with_the_reader_s_language_and_marks_the_translation(client, plans):
    c = Commitment.objects.select_related("plan").get(code="GTM-PRO-02")
    es = client.get(f"/commitments/{c.code}/").content.decode()
    en = client.get(f"/commitments/{c.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert es.index(c.text_es) < es.index(c.text) and "traducción de trabajo" in es
    assert en.index(c.text) < en.index(c.text_es) and "Spanish (working translation):" in en
    # the pillar's reason in the reader's language only
    assert c.pillar_rationale_es in es and c.pillar_rationale not in es
    assert c.pillar_rationale in en and c.pillar_rationale_es not in en
    # the list and the country page: Spanish first, marked; the plan's title and summary too
    listing = client.get("/commitments/", {"country": "GTM"}).content.decode()
    assert listing.index(c.text_es) < listing.index(c.text) and "Texto impreso (inglés)" in listing
    country = client.get("/countries/GTM/").content.decode()
    assert c.plan.title_es in country and c.plan.summary_es[:80] in country
    assert country.index(c.plan.title_es) < country.index(c.plan.title_en)
    english = client.get("/countries/GTM/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.index(c.plan.title_en) < english.index(c.plan.title_es)
