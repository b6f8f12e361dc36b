"""The admin goes through the services: the secretariat records funding there (the gap is
shown, never typed); indicator values are read and approved, never edited in place."""

from decimal import Decimal

import pytest
from django.test import Client

from funding.models import FundingLine
from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(people):
    sofia = people["sofia"]
    sofia.is_staff = True
    sofia.save(update_fields=["is_staff"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sofia)
    return client


def test_admin_pages_open(staff):
    for url in [
        "/admin/funding/fundingline/",
        "/admin/funding/fundingline/add/",
        "/admin/funding/quantification/",
        "/admin/indicators/indicator/",
        "/admin/indicators/indicatorvalue/",
        "/admin/audit/changeevent/",
        "/admin/indicators/commitmentindicator/",
        "/admin/indicators/commitmentindicator/add/",
    ]:
        assert staff.get(url).status_code == 200, url
    line = FundingLine.objects.get(order=2)
    page = staff.get(f"/admin/funding/fundingline/{line.pk}/change/").content.decode()
    assert "16,494,551" in page and 'name="gap"' not in page  # shown, not an input
    value = IndicatorValue.objects.first()
    assert (
        'name="value"'
        not in staff.get(f"/admin/indicators/indicatorvalue/{value.pk}/change/").content.decode()
    )


def test_a_line_and_its_contributions_saved_in_the_admin(staff):
    from countries.models import Country

    response = staff.post(
        "/admin/funding/fundingline/add/",
        {
            "year": "2025",
            "order": "0",
            "country": str(Country.objects.get(iso3="PAN").pk),
            "label_en": "Asylum registration",
            "label_legible": "on",
            "requirement": "100000",
            "contributions-TOTAL_FORMS": "1",
            "contributions-INITIAL_FORMS": "0",
            "contributions-MIN_NUM_FORMS": "0",
            "contributions-MAX_NUM_FORMS": "1000",
            "contributions-0-source_kind": "government",
            "contributions-0-amount": "25000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = FundingLine.objects.with_amounts().get(year=2025)
    assert (line.route, line.created_by.username) == ("admin", "sofia")
    assert (line.funded, line.gap) == (Decimal(25000), Decimal(75000))


def test_bad_input_in_the_admin_is_a_form_error_and_source_lines_stay_as_printed(staff):
    from commitments.models import Commitment
    from countries.models import Country

    response = staff.post(
        "/admin/funding/fundingline/add/",
        {
            "year": "2025",
            "order": "0",
            "country": str(Country.objects.get(iso3="PAN").pk),
            "commitment": str(Commitment.objects.get(code="GTM-JOB-04").pk),
            "label_legible": "on",
            "requirement": "100",
            "contributions-TOTAL_FORMS": "0",
            "contributions-INITIAL_FORMS": "0",
            "contributions-MIN_NUM_FORMS": "0",
            "contributions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "The commitment belongs to another country." in response.content.decode()
    assert not FundingLine.objects.filter(year=2025).exists()
    source = FundingLine.objects.get(order=2)
    staff.post(f"/admin/funding/fundingline/{source.pk}/change/", {"requirement": "1"})
    staff.post(f"/admin/funding/fundingline/{source.pk}/delete/", {"post": "yes"})
    source.refresh_from_db()
    assert source.requirement == 18008112
