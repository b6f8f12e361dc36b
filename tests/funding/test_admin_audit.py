"""Funding edited in the admin goes through ``funding.services``: every line and contribution
added, changed or deleted is an audit event (old → new), the cached country page shows the new
figures at once, a bad value is refused with nothing written, and what a published source states
(its lines, its quantification) is never changed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from audit.models import ChangeEvent
from countries.models import Country
from funding import services
from funding.models import Contribution, FundingLine, Quantification
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db
Action = ChangeEvent.Action


@pytest.fixture
def staff(people):
    sofia = people["sofia"]
    sofia.is_staff = True
    sofia.save(update_fields=["is_staff"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sofia)
    return client


@pytest.fixture
def reader():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def line(people):
    line = FundingLine(
        year=2025,
        country=Country.objects.get(iso3="PAN"),
        label_en="Asylum registration",
        requirement=Decimal("100000"),
    )
    return services.save_line(line, user=people["sofia"])


def line_url(line) -> str:
    return f"/admin/funding/fundingline/{line.pk}/change/"


def test_adding_a_line_and_a_contribution_is_audited(staff, people):
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
            "contributions-0-source_kind": "donor",
            "contributions-0-funder": "A donor",
            "contributions-0-amount": "25000",
        },
    )
    assert response.status_code == 302
    line = FundingLine.objects.get(year=2025)
    added = ChangeEvent.objects.get(action=Action.FUNDING_LINE_ADDED)
    assert (added.comment, added.user, added.route) == (f"line {line.pk}", people["sofia"], "admin")
    assert "Asylum registration" in added.new_value and "100,000" in added.new_value
    contribution = ChangeEvent.objects.get(action=Action.CONTRIBUTION_ADDED)
    assert contribution.comment.startswith(f"line {line.pk}, contribution ")
    assert "A donor" in contribution.new_value and "25,000" in contribution.new_value


def test_a_requirement_changed_in_the_admin_is_audited_and_shown_at_once(
    staff, people, reader, line, django_capture_on_commit_callbacks
):
    assert "100,000" in reader.get("/countries/PAN/").content.decode()

    data = form_data(staff.get(line_url(line)), requirement="120000")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(line_url(line), data)

    assert response.status_code == 302
    event = ChangeEvent.objects.get(action=Action.FUNDING_LINE_EDITED)
    assert (event.old_value, event.new_value, event.comment) == (
        "100000",
        "120000",
        f"line {line.pk}: requirement",
    )
    assert (event.user, event.route) == (people["sofia"], "admin")
    page = reader.get("/countries/PAN/").content.decode()
    assert "120,000" in page and "100,000" not in page
    # saved again unchanged: no event
    staff.post(line_url(line), form_data(staff.get(line_url(line))))
    assert ChangeEvent.objects.filter(action=Action.FUNDING_LINE_EDITED).count() == 1


def test_a_contribution_changed_and_deleted_in_the_admin_is_audited(
    staff, people, line, django_capture_on_commit_callbacks
):
    contribution = services.save_contribution(
        Contribution(line=line, source_kind="donor", amount=Decimal("1000")), user=people["sofia"]
    )
    page = staff.get(line_url(line))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(line_url(line), form_data(page, **{"contributions-0-amount": "1500.50"}))
    edited = ChangeEvent.objects.get(action=Action.CONTRIBUTION_EDITED)
    assert (edited.old_value, edited.new_value) == ("1000", "1500.5")
    assert edited.comment == f"line {line.pk}, contribution {contribution.pk}: amount"

    page = staff.get(line_url(line))
    staff.post(line_url(line), form_data(page, **{"contributions-0-DELETE": "on"}))
    assert not Contribution.objects.filter(pk=contribution.pk).exists()
    deleted = ChangeEvent.objects.get(action=Action.CONTRIBUTION_DELETED)
    assert "1,500.5" in deleted.old_value and deleted.new_value == ""


def test_a_line_deleted_in_the_admin_is_audited_with_what_it_was(staff, people, line):
    response = staff.post(f"/admin/funding/fundingline/{line.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not FundingLine.objects.filter(pk=line.pk).exists()
    event = ChangeEvent.objects.get(action=Action.FUNDING_LINE_DELETED)
    assert "Asylum registration" in event.old_value and event.comment == f"line {line.pk}"
    assert (event.user, event.route) == (people["sofia"], "admin")


def test_a_bad_requirement_is_refused_and_nothing_is_written(staff, line):
    before = ChangeEvent.objects.count()
    response = staff.post(line_url(line), form_data(staff.get(line_url(line)), requirement="-5"))
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.requirement == 100000
    assert ChangeEvent.objects.count() == before


def test_a_source_s_lines_and_quantification_stay_as_printed(staff, people):
    source = FundingLine.objects.get(order=2)
    quantification = Quantification.objects.get()
    url = f"/admin/funding/quantification/{quantification.pk}/"
    assert staff.post(url + "change/", {"stated_requirement": "1"}).status_code == 403
    assert staff.post(url + "delete/", {"post": "yes"}).status_code == 403
    quantification.refresh_from_db()
    assert quantification.stated_requirement == Decimal("63152181")
    # the service refuses them too, whatever door asks
    source.requirement = Decimal("1")
    with pytest.raises(ValidationError):
        services.save_line(source, user=people["sofia"])
    with pytest.raises(ValidationError):
        services.delete_line(source, user=people["sofia"])
    with pytest.raises(ValidationError):
        services.save_contribution(
            Contribution(line=source, source_kind="donor", amount=Decimal("5")),
            user=people["sofia"],
        )
    source.refresh_from_db()
    assert source.requirement == Decimal("18008112")
    assert not ChangeEvent.objects.exists()
