"""Indicators on the public pages and in the workspace: what each role sees and may do, in
English and Spanish, with the page's queries pinned."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_country_page_shows_latest_value_trend_and_source(context_data):
    page = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/countries/MEX/"))
    assert "Country indicators" in page
    # the latest of three asylum figures, and why it is not compared with the previous one
    assert "58,806" in page and "by the end of September 2024" in page
    assert "not compared with more than 41,400 (by June 2024): the periods differ" in page
    assert "Meanwhile, by the end of September 2024, 58,806 claims had been made" in page
    assert "2023: 140,777" in page  # every approved value, under Source
    spanish = text(Client().get("/countries/CRI/"))
    assert "Indicadores del país" in spanish and "226,029" in spanish and "226.029" not in spanish
    assert "más de 31,000" in spanish and "al 30 de septiembre de 2024" in spanish


def test_commitment_page_shows_its_indicators_over_time(context_data):
    page = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/commitments/GTM-JOB-04/"))
    assert "Indicators beside this commitment" in page
    assert "Work permits for refugees" in page and "Work permits for asylum-seekers" in page
    assert "56" in page and "544" in page and "January to September 2024" in page
    assert "Indicators beside" not in text(Client().get("/commitments/GTM-HEA-01/"))


def test_a_team_submits_in_the_workspace_and_the_secretariat_approves(
    people, django_capture_on_commit_callbacks
):
    gabriel, sofia = signed_in(people["gabriel"]), signed_in(people["sofia"])
    url = reverse("indicator-values")
    form = {
        "country": "GTM",
        "indicator": "IDP_ASSISTED",
        "value": "1.250",  # dotted thousands, read as 1250
        "qualifier": "",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "source_document": "SBS annual statistics",
        "source_section": "Table 3",
        "base_version": "0",
    }
    response = gabriel.post(url, form)
    assert response.status_code == 302
    row = IndicatorValue.objects.get(indicator__code="IDP_ASSISTED", country__iso3="GTM")
    assert (row.value, row.review_state, row.route) == (Decimal(1250), "submitted", "web")
    assert "1,250" in text(gabriel.get(url)) and "Submitted, awaiting review" in text(
        gabriel.get(url)
    )
    assert "1,250" not in text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/countries/GTM/"))

    # no country chosen: the form says so; another country's: refused; nothing written
    assert "This field is required." in text(gabriel.post(url, {**form, "country": ""}))
    assert gabriel.post(url, {**form, "country": "HND"}).status_code == 403
    assert gabriel.get(reverse("indicator-review")).status_code == 403
    assert (
        IndicatorValue.objects.filter(indicator__code="IDP_ASSISTED", country__iso3="GTM").count()
        == 1
    )

    # the one review queue (the old indicator review address leads there)
    queue_url = reverse("review-queue") + "?kind=indicators"
    assert sofia.get(reverse("indicator-review"))["Location"] == queue_url
    queue = text(sofia.get(queue_url))
    assert "1 indicator value awaits review" in queue and "– → 1,250" in queue
    assert sofia.post(queue_url, {"return_value": row.pk, "comment": ""}).status_code == 200
    row.refresh_from_db()
    assert row.review_state == "submitted"  # a return without a comment is refused
    with django_capture_on_commit_callbacks(execute=True):  # the approval renews the figures
        sofia.post(queue_url, {"approve_value": row.pk, "comment": ""})
    row.refresh_from_db()
    assert row.review_state == "approved"
    public = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/countries/GTM/"))
    assert "1,250" in public and "1 January 2024 – 31 December 2024" in public


def test_correcting_a_value_prefills_the_form_and_detects_a_concurrent_change(people):
    gabriel = signed_in(people["gabriel"])
    source = IndicatorValue.objects.get(
        indicator__code="WORK_PERMITS_REFUGEES", country__iso3="GTM"
    )
    page = gabriel.get(reverse("indicator-values"), {"edit": source.pk}).content.decode()
    assert f'name="base_version" value="{source.pk}"' in page and 'value="56"' in page
    other = IndicatorValue.objects.get(indicator__code="PINIP")
    assert gabriel.get(reverse("indicator-values"), {"edit": other.pk}).status_code == 404
    form = {
        "country": "GTM",
        "indicator": "WORK_PERMITS_REFUGEES",
        "value": "58",
        "period_start": "2024-01-01",
        "period_end": "2024-09-30",
        "source_document": "MINTRAB",
        "source_section": "PEX report",
        "base_version": str(source.pk),
    }
    assert gabriel.post(reverse("indicator-values"), form).status_code == 302
    stale = text(gabriel.post(reverse("indicator-values"), {**form, "value": "59"}))
    assert "after you opened this form" in stale
    assert IndicatorValue.objects.filter(value=59).count() == 0


WORKSPACE_QUERIES = [
    # session, user; permissions (user, group: is gabriel secretariat?); memberships; his
    # countries; their values; the values' events; the menu's counts (notifications,
    # returned, waiting); demo flag of the banner; the form's country and indicator choices
    ("gabriel", "/workspace/indicators/", 2 + 2 + 1 + 1 + 2 + 1 + 1 + 2),
    # session, user; permissions (2); countries; values; events; pending count; the menu's
    # counts; demo flag; the form's choices (2)
    ("sofia", "/workspace/indicators/", 2 + 2 + 1 + 2 + 1 + 1 + 1 + 2),
    # session, user; permissions (2); the review queue, both kinds: statuses' and indicator
    # values' counts (none: no page, no look-up); the menu's counts; demo flag; the filters'
    # choices (countries, periods, focus areas)
    ("sofia", "/workspace/review/?kind=indicators", 2 + 2 + 1 + 1 + 1 + 3),
    ("sofia", "/workspace/review/", 2 + 2 + 2 + 1 + 1 + 3),
]


def test_workspace_query_counts(people, django_assert_num_queries):
    for who, url, queries in WORKSPACE_QUERIES:
        client = signed_in(people[who])
        with django_assert_num_queries(queries, info=f"{who} {url}"):
            assert client.get(url).status_code == 200


def test_the_catalogue_has_both_languages(context_data):
    for indicator in Indicator.objects.all():
        assert indicator.name_en and indicator.name_es and indicator.definition_es
