"""Funding on the public pages: the regional page with the reconciliation, a country's panel
(empty until something is recorded for it), amounts written per language."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from countries.models import Country
from funding import services
from funding.models import Contribution, FundingLine

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def record_gtm_funding(user):
    """Two requirements for Guatemala (2024), partly funded by the government and a donor."""
    from commitments.models import Commitment, FocusArea

    gtm = Country.objects.get(iso3="GTM")
    pro = services.save_line(
        FundingLine(
            year=2024,
            country=gtm,
            focus_area=FocusArea.objects.get(code="PRO"),
            requirement=Decimal("1200000"),
            source_document="Test quantification",
        ),
        user=user,
    )
    job = services.save_line(
        FundingLine(
            year=2024,
            country=gtm,
            focus_area=FocusArea.objects.get(code="JOB"),
            commitment=Commitment.objects.get(code="GTM-JOB-04"),
            requirement=Decimal("300000.50"),
        ),
        user=user,
    )
    for line, kind, amount in [
        (pro, "government", "200000"),
        (pro, "donor", "400000"),
        (job, "fund", "50000"),
    ]:
        services.save_contribution(
            Contribution(line=line, source_kind=kind, amount=Decimal(amount)), user=user
        )
    return pro, job


def test_regional_page_shows_lines_reconciliation_and_lost_labels(context_data):
    page = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/funding/"))
    assert "USD 63,152,181" in page and "USD 54,479,442" in page
    assert page.count("label not legible in the source") == 4
    assert (
        "Social protecti[on]" in page
        and "printed cut off as “Social protecti”: the completion is ours" in page
    )
    assert "printed “16.494.551”, with dots between thousands" in page and "USD 16,494,551" in page
    assert (
        "Gaps: yes. The lines' gaps add up to USD 54,479,442, exactly the stated total gap." in page
    )
    assert "the lines exceed it by USD 314,230" in page and "USD 63,466,411" in page
    spanish = text(Client().get("/funding/"))
    assert (
        "USD 63,152,181" in spanish
        and "63.152.181" not in spanish
        and "etiqueta ilegible en la fuente" in spanish
    )


def test_country_panel_empty_then_by_focus_area(people):
    page = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/countries/GTM/"))
    assert "No funding requirement is recorded for Guatemala yet." in page
    assert "is not broken down by country in its source" in page
    record_gtm_funding(people["sofia"])
    from django.core.cache import cache

    cache.clear()
    page = text(Client(HTTP_ACCEPT_LANGUAGE="en").get("/countries/GTM/"))
    assert "USD 1,500,000" in page  # 1,200,000 + 300,000.50, whole dollars
    assert "USD 650,000" in page and "USD 850,000" in page  # funded; gap = requirement − funded
    row = re.search(
        r"Protection Requirement USD 1,200,000 Funded USD 600,000 Gap USD 600,000", page
    )
    assert row and "Government USD 200,000; Donor USD 400,000; Fund USD 50,000" in page


def test_only_the_secretariat_records_funding(people):
    from django.core.exceptions import PermissionDenied

    line = FundingLine(year=2024, country=Country.objects.get(iso3="GTM"), requirement=Decimal(1))
    for who in ("gabriel", "pat"):
        with pytest.raises(PermissionDenied):
            services.save_line(line, user=people[who])
    assert not FundingLine.objects.filter(year=2024).exists()


def test_funding_page_query_count(context_data, django_assert_num_queries):
    client = Client()
    # quantifications; per quantification: lines, sums, by focus area, by country, by source
    # (5); lines outside a quantification: lines, sums, by country, by focus area, by source
    # (5); demo flag of the banner
    with django_assert_num_queries(1 + 5 + 5 + 1):
        assert client.get("/funding/").status_code == 200
