"""The indicator catalogue and the commitment links in the admin go through the indicators'
services: audited (old → new), the cached public pages show the change at once, a bad value is
refused with nothing written, and only the secretariat may, whatever the admin's permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from audit.models import ChangeEvent
from commitments.models import FocusArea, Pillar
from indicators.models import CommitmentIndicator, Indicator
from indicators.services import add_indicator, edit_indicator, edit_link
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db
Action = ChangeEvent.Action


@pytest.fixture
def admin(people):
    """The secretariat in the admin (the Secretariat group may add and change indicators and
    links)."""
    sofia = people["sofia"]
    sofia.is_staff = True
    sofia.save(update_fields=["is_staff"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sofia)
    return client


@pytest.fixture
def reader():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_an_indicator_edited_in_the_admin_is_audited_and_shown_at_once(
    admin, people, reader, django_capture_on_commit_callbacks
):
    indicator = Indicator.objects.get(code="REF_RECOGNISED")
    assert "Persons recognised as refugees" in reader.get("/countries/GTM/").content.decode()
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"

    data = form_data(admin.get(url), name_en="People recognised as refugees")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = ChangeEvent.objects.get(action=Action.INDICATOR_EDITED)
    assert (event.old_value, event.new_value) == (
        "Persons recognised as refugees",
        "People recognised as refugees",
    )
    assert (event.comment, event.user, event.route) == (
        "REF_RECOGNISED: name_en",
        people["sofia"],
        "admin",
    )
    page = reader.get("/countries/GTM/").content.decode()
    assert "People recognised as refugees" in page
    assert "Persons recognised as refugees" not in page


def test_a_bad_indicator_edit_is_refused_and_nothing_is_written(admin):
    indicator = Indicator.objects.get(code="REF_RECOGNISED")
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    response = admin.post(url, form_data(admin.get(url), unit="hectares", name_en=""))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"unit", "name_en"}
    indicator.refresh_from_db()
    assert indicator.unit == "persons" and not ChangeEvent.objects.exists()


def test_an_indicator_added_in_the_admin_is_audited_and_never_deleted_there(
    admin, people, django_capture_on_commit_callbacks
):
    page = admin.get("/admin/indicators/indicator/add/")
    data = form_data(
        page,
        code="RETURNS",
        name_en="Returns",
        name_es="Retornos",
        unit="persons",
        definition_en="People who returned.",
        definition_es="Personas que retornaron.",
        focus_area=FocusArea.objects.get(code="PRO").pk,
        pillar=Pillar.objects.get(number=4).pk,
        order="20",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/admin/indicators/indicator/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Indicator.objects.get(code="RETURNS")
    event = ChangeEvent.objects.get(action=Action.INDICATOR_ADDED)
    assert (event.new_value, event.comment) == ("RETURNS: Returns", "RETURNS")
    assert (event.user, event.route) == (people["sofia"], "admin")
    # the code is fixed once added; the catalogue is never deleted in the admin (values and
    # the trail refer to it)
    change = admin.get(f"/admin/indicators/indicator/{added.pk}/change/")
    assert "code" not in change.context["adminform"].form.fields
    assert admin.get(f"/admin/indicators/indicator/{added.pk}/delete/").status_code == 403


def test_a_bad_new_indicator_is_refused_and_nothing_is_written(admin):
    data = form_data(
        admin.get("/admin/indicators/indicator/add/"),
        code="not a code",
        name_en="Returns",
        name_es="Retornos",
        unit="persons",
        definition_en="x",
        definition_es="x",
        focus_area=FocusArea.objects.get(code="PRO").pk,
        pillar=Pillar.objects.get(number=4).pk,
    )
    response = admin.post("/admin/indicators/indicator/add/", data)
    assert response.status_code == 200
    assert not Indicator.objects.filter(name_en="Returns").exists()
    assert not ChangeEvent.objects.exists()


def test_the_catalogue_services_check_the_role_and_the_rules(people):
    sofia, gabriel = people["sofia"], people["gabriel"]
    indicator = Indicator.objects.get(code="REF_RECOGNISED")
    with pytest.raises(PermissionDenied):
        edit_indicator(indicator=indicator, user=gabriel, name_en="Mine")
    with pytest.raises(ValidationError) as refused:
        edit_indicator(indicator=indicator, user=sofia, unit="hectares")
    assert "unit" in refused.value.message_dict
    with pytest.raises(ValueError):
        edit_indicator(indicator=indicator, user=sofia, code="OTHER")
    with pytest.raises(ValidationError):
        add_indicator(code="bad code", user=sofia, name_en="x")
    with pytest.raises(PermissionDenied):
        add_indicator(code="RETURNS", user=gabriel, name_en="x")
    indicator.refresh_from_db()
    assert (indicator.name_en, indicator.unit) == ("Persons recognised as refugees", "persons")
    assert not ChangeEvent.objects.exists()
    assert not Indicator.objects.filter(code__in=["RETURNS", "bad code"]).exists()


def test_a_link_s_reason_edited_in_the_admin_is_audited_and_shown_at_once(
    admin, people, reader, django_capture_on_commit_callbacks
):
    link = CommitmentIndicator.objects.select_related("commitment", "indicator").first()
    before = link.rationale
    public = f"/commitments/{link.commitment.code}/"
    assert "Read in the law itself." not in reader.get(public).content.decode()
    url = f"/admin/indicators/commitmentindicator/{link.pk}/change/"

    data = form_data(admin.get(url), rationale="Read in the law itself.")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.rationale == "Read in the law itself."
    event = ChangeEvent.objects.get(action=Action.LINK_EDITED)
    assert (event.commitment, event.old_value, event.new_value) == (
        link.commitment,
        before,
        "Read in the law itself.",
    )
    assert event.comment == f"{link.commitment.code} ↔ {link.indicator.code}"
    assert (event.user, event.route) == (people["sofia"], "admin")
    assert "Read in the law itself." in reader.get(public).content.decode()


def test_a_too_long_reason_is_refused_and_nothing_is_written(admin, people):
    link = CommitmentIndicator.objects.first()
    before = link.rationale
    url = f"/admin/indicators/commitmentindicator/{link.pk}/change/"
    response = admin.post(url, form_data(admin.get(url), rationale="a" * 301))
    assert response.status_code == 200 and response.context["adminform"].form.errors
    with pytest.raises(ValidationError):
        edit_link(link=link, rationale="a" * 301, user=people["sofia"])
    with pytest.raises(PermissionDenied):
        edit_link(link=link, rationale="Mine", user=people["gabriel"])
    link.refresh_from_db()
    assert link.rationale == before and not ChangeEvent.objects.exists()


def test_only_the_secretariat_edits_the_catalogue_whatever_its_admin_permissions(people):
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_indicator", "view_indicator"])
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    indicator = Indicator.objects.get(code="REF_RECOGNISED")
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    assert client.post(url, form_data(client.get(url), name_en="Mine")).status_code == 403
    indicator.refresh_from_db()
    assert indicator.name_en == "Persons recognised as refugees"
    assert not ChangeEvent.objects.exists()
