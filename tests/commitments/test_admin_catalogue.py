"""The catalogue's admin goes through the catalogue's services: a plan's stated total and stated
counts, a focus area, a country. Each edit is audited (old → new), refreshes the cached public
figures at once, is refused with a message and nothing written when a value is bad, and is
refused to anyone who is not the secretariat, whatever the admin's permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from audit.models import ChangeEvent
from commitments.models import Commitment, FocusArea, NationalPlan, Pillar, StatedCount
from commitments.services import (
    edit_country,
    edit_focus_area,
    edit_pillar,
    edit_stated_count,
    edit_stated_total,
    load_plans,
)
from countries.models import Country
from periods.models import ReportingPeriod
from periods.services import edit_period
from tests.admin_forms import form_data
from tests.builders import secretariat
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db
Action = ChangeEvent.Action


@pytest.fixture
def plans(db):
    loaded_plans()


@pytest.fixture
def root(plans):
    """A superuser: the secretariat (``is_secretariat``) with every admin permission (the
    Secretariat group may not change plans, focus areas or countries in the admin)."""
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-Root-2024-x")


@pytest.fixture
def admin(root):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(root)
    return client


@pytest.fixture
def reader():
    """An anonymous reader of the public pages (served from the figures cache)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def plan_url(plan) -> str:
    return f"/admin/commitments/nationalplan/{plan.pk}/change/"


def post_plan(admin, plan, capture, **overrides):
    data = form_data(admin.get(plan_url(plan)), **overrides)
    with capture(execute=True):
        return admin.post(plan_url(plan), data)


def inline_prefix(admin, plan, code: str) -> str:
    """The prefix of the stated-count row of focus area ``code`` on the plan's admin page."""
    formset = admin.get(plan_url(plan)).context["inline_admin_formsets"][0].formset
    return next(f.prefix for f in formset.forms if f.instance.focus_area.code == code)


# --- a plan's stated total -----------------------------------------------------------------


def test_a_stated_total_edited_in_the_admin_is_audited_and_shown_at_once(
    admin, root, reader, django_capture_on_commit_callbacks
):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    assert "The plans state 229 commitments in all" in reader.get("/").content.decode()

    response = post_plan(admin, plan, django_capture_on_commit_callbacks, stated_total="31")

    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.stated_total == 31
    event = ChangeEvent.objects.get(action=Action.STATED_TOTAL_EDITED)
    assert (event.plan, event.user, event.route) == (plan, root, "admin")
    assert (event.old_value, event.new_value, event.comment) == ("30", "31", "stated_total")
    # the cached home page (and the country page) say the new figure right after
    assert "The plans state 230 commitments in all" in reader.get("/").content.decode()
    assert "The plan states 31 commitments" in reader.get("/countries/GTM/").content.decode()


@pytest.mark.parametrize("bad", ["-1", "thirty", "1.5"])
def test_a_bad_stated_total_is_refused_and_nothing_is_written(
    admin, reader, bad, django_capture_on_commit_callbacks
):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    reader.get("/")
    response = post_plan(admin, plan, django_capture_on_commit_callbacks, stated_total=bad)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["stated_total"]
    plan.refresh_from_db()
    assert plan.stated_total == 30
    assert not ChangeEvent.objects.exists()
    assert "The plans state 229 commitments in all" in reader.get("/").content.decode()


def test_the_stated_total_service_checks_the_value_and_the_role(root, plans):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    with pytest.raises(ValidationError) as refused:
        edit_stated_total(plan=plan, stated_total=-3, user=root)
    assert "stated_total" in refused.value.message_dict
    team = get_user_model().objects.create_user("clerk", is_staff=True)
    with pytest.raises(PermissionDenied):
        edit_stated_total(plan=plan, stated_total=31, user=team)
    plan.refresh_from_db()
    assert plan.stated_total == 30 and not ChangeEvent.objects.exists()
    # the same value again writes nothing
    edit_stated_total(plan=plan, stated_total=30, user=root)
    assert not ChangeEvent.objects.exists()


def test_a_plan_s_printed_fields_are_read_only_and_plans_never_added_or_deleted(admin):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    form = admin.get(plan_url(plan)).context["adminform"].form
    assert set(form.fields) == {"title_es", "summary_es", "stated_total"}
    assert admin.get("/admin/commitments/nationalplan/add/").status_code == 403
    assert admin.get(f"/admin/commitments/nationalplan/{plan.pk}/delete/").status_code == 403


def test_a_too_long_spanish_summary_is_a_form_error_not_a_crash(
    admin, django_capture_on_commit_callbacks
):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    before = plan.summary_es
    response = post_plan(admin, plan, django_capture_on_commit_callbacks, summary_es="a" * 5001)
    assert response.status_code == 200
    assert "5001 characters" in response.context["adminform"].form.errors["summary_es"][0]
    plan.refresh_from_db()
    assert plan.summary_es == before and not ChangeEvent.objects.exists()


# --- a plan's stated counts ------------------------------------------------------------------


def test_a_stated_count_edited_in_the_admin_is_audited_and_shown_at_once(
    admin, root, reader, django_capture_on_commit_callbacks
):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    row = StatedCount.objects.get(plan=plan, focus_area__code="HEA")
    loaded = Commitment.objects.filter(plan=plan, focus_area__code="HEA").count()
    assert "(stated 77," not in reader.get("/countries/GTM/").content.decode()

    prefix = inline_prefix(admin, plan, "HEA")
    response = post_plan(
        admin, plan, django_capture_on_commit_callbacks, **{f"{prefix}-stated": "77"}
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.stated == 77
    event = ChangeEvent.objects.get(action=Action.STATED_COUNT_EDITED)
    assert (event.plan, event.user, event.route, event.comment) == (plan, root, "admin", "HEA")
    assert event.new_value == "77" and event.old_value not in ("", "77")
    assert f"(stated 77, loaded {loaded})" in reader.get("/countries/GTM/").content.decode()


def test_a_stated_count_removed_in_the_admin_is_audited(admin, django_capture_on_commit_callbacks):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    stated = StatedCount.objects.get(plan=plan, focus_area__code="EDU").stated
    prefix = inline_prefix(admin, plan, "EDU")
    response = post_plan(
        admin, plan, django_capture_on_commit_callbacks, **{f"{prefix}-DELETE": "on"}
    )
    assert response.status_code == 302
    assert not StatedCount.objects.filter(plan=plan, focus_area__code="EDU").exists()
    event = ChangeEvent.objects.get(action=Action.STATED_COUNT_EDITED)
    assert (event.old_value, event.new_value, event.comment) == (str(stated), "", "EDU")


def test_a_bad_stated_count_is_refused_and_nothing_is_written(
    admin, django_capture_on_commit_callbacks
):
    plan = NationalPlan.objects.get(country__iso3="GTM")
    before = list(StatedCount.objects.filter(plan=plan).values_list("focus_area__code", "stated"))
    prefix = inline_prefix(admin, plan, "HEA")
    response = post_plan(
        admin,
        plan,
        django_capture_on_commit_callbacks,
        stated_total="40",
        **{f"{prefix}-stated": "-2"},
    )
    assert response.status_code == 200  # the form again, with the row's error
    plan.refresh_from_db()
    assert plan.stated_total == 30  # nothing of the save, the plan's own field included
    after = list(StatedCount.objects.filter(plan=plan).values_list("focus_area__code", "stated"))
    assert after == before and not ChangeEvent.objects.exists()


def test_the_stated_count_service_adds_changes_removes_and_refuses(root, plans):
    plan = NationalPlan.objects.get(country__iso3="BLZ")
    area = FocusArea.objects.get(code="PRO")
    StatedCount.objects.filter(plan=plan, focus_area=area).delete()
    row = edit_stated_count(plan=plan, focus_area=area, stated=4, user=root)
    assert row.stated == 4
    edit_stated_count(plan=plan, focus_area=area, stated=4, user=root)  # unchanged: no event
    assert edit_stated_count(plan=plan, focus_area=area, stated=None, user=root) is None
    with pytest.raises(ValidationError):
        edit_stated_count(plan=plan, focus_area=area, stated=-1, user=root)
    with pytest.raises(PermissionDenied):
        edit_stated_count(plan=plan, focus_area=area, stated=2, user=None)
    events = ChangeEvent.objects.filter(action=Action.STATED_COUNT_EDITED).order_by("id")
    assert [(e.old_value, e.new_value) for e in events] == [("", "4"), ("4", "")]
    assert not StatedCount.objects.filter(plan=plan, focus_area=area).exists()


# --- focus areas and countries -------------------------------------------------------------


def test_a_focus_area_renamed_in_the_admin_is_audited_and_shown_at_once(
    admin, root, reader, django_capture_on_commit_callbacks
):
    area = FocusArea.objects.get(code="EDU")
    url = f"/admin/commitments/focusarea/{area.pk}/change/"
    code = Commitment.objects.filter(focus_area=area).values_list("code", flat=True).first()
    assert "Education" in reader.get(f"/commitments/{code}/").content.decode()

    data = form_data(admin.get(url), name_en="Education and training")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)

    assert response.status_code == 302
    event = ChangeEvent.objects.get(action=Action.FOCUS_AREA_EDITED)
    assert (event.old_value, event.new_value) == ("Education", "Education and training")
    assert (event.comment, event.user, event.route) == ("EDU: name_en", root, "admin")
    assert "Education and training" in reader.get(f"/commitments/{code}/").content.decode()
    # the code is the plans' own; no focus area is added or deleted here
    assert "code" not in admin.get(url).context["adminform"].form.fields
    assert admin.get("/admin/commitments/focusarea/add/").status_code == 403
    assert admin.get(f"/admin/commitments/focusarea/{area.pk}/delete/").status_code == 403


def test_a_bad_focus_area_name_is_refused_and_nothing_is_written(admin):
    area = FocusArea.objects.get(code="EDU")
    url = f"/admin/commitments/focusarea/{area.pk}/change/"
    response = admin.post(url, form_data(admin.get(url), name_en="", order="-1"))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"name_en", "order"}
    area.refresh_from_db()
    assert area.name_en == "Education" and not ChangeEvent.objects.exists()


def test_a_country_renamed_in_the_admin_is_audited_and_shown_at_once(
    admin, root, reader, django_capture_on_commit_callbacks
):
    country = Country.objects.get(iso3="BLZ")
    url = f"/admin/countries/country/{country.pk}/change/"
    assert "Belize (renamed)" not in reader.get("/").content.decode()

    data = form_data(admin.get(url), name_en="Belize (renamed)")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)

    assert response.status_code == 302
    event = ChangeEvent.objects.get(action=Action.COUNTRY_EDITED)
    assert (event.old_value, event.new_value, event.comment) == (
        "Belize",
        "Belize (renamed)",
        "BLZ: name_en",
    )
    assert (event.user, event.route) == (root, "admin")
    assert "Belize (renamed)" in reader.get("/").content.decode()
    assert admin.get("/admin/countries/country/add/").status_code == 403
    assert admin.get(f"/admin/countries/country/{country.pk}/delete/").status_code == 403


def test_only_the_secretariat_edits_the_catalogue_whatever_its_admin_permissions(plans):
    """A staff account given the admin's permissions but not the secretariat's role: the
    service refuses (403), nothing is written."""
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_focusarea", "view_focusarea", "change_country", "view_country"]
        )
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    area = FocusArea.objects.get(code="EDU")
    url = f"/admin/commitments/focusarea/{area.pk}/change/"
    response = client.post(url, form_data(client.get(url), name_en="Schools"))
    assert response.status_code == 403
    country = Country.objects.get(iso3="BLZ")
    url = f"/admin/countries/country/{country.pk}/change/"
    assert client.post(url, form_data(client.get(url), name_en="B")).status_code == 403
    area.refresh_from_db()
    country.refresh_from_db()
    assert (area.name_en, country.name_en) == ("Education", "Belize")
    assert not ChangeEvent.objects.exists()


def test_the_focus_area_and_country_services_name_only_their_fields(plans):
    sofia = secretariat()
    area = FocusArea.objects.get(code="EDU")
    with pytest.raises(ValueError):
        edit_focus_area(focus_area=area, user=sofia, code="XYZ")
    with pytest.raises(ValueError):
        edit_country(country=Country.objects.get(iso3="BLZ"), user=sofia, iso3="BLX")
    edit_focus_area(focus_area=area, user=sofia, name_es="Educación y formación", order=4)
    events = ChangeEvent.objects.filter(action=Action.FOCUS_AREA_EDITED)
    assert {(e.comment, e.new_value) for e in events} == {
        ("EDU: name_es", "Educación y formación")
    }  # the order did not change: no event for it


def test_load_plans_keeps_what_was_edited_by_hand_and_restores_the_rest(root):
    """The fixtures are loaded again (a deploy runs load_plans): the secretariat's edits stay,
    a value changed behind the services' back gets the fixture's value back, and an existing
    period's dates (the secretariat's calendar) are not reset."""
    gtm = NationalPlan.objects.get(country__iso3="GTM")
    edit_stated_total(plan=gtm, stated_total=31, user=root)
    edit_stated_count(
        plan=gtm, focus_area=FocusArea.objects.get(code="EDU"), stated=None, user=root
    )
    edit_focus_area(focus_area=FocusArea.objects.get(code="EDU"), user=root, name_es="Escuelas")
    edit_country(country=Country.objects.get(iso3="BLZ"), user=root, name_es="Belize")
    edit_pillar(pillar=Pillar.objects.get(number=2), user=root, name_en="Needs")
    edit_period(
        period=ReportingPeriod.objects.get(code="2025"),
        user=root,
        end_date=ReportingPeriod.objects.get(code="2025").end_date.replace(month=11, day=30),
    )
    # behind the services' back: no audit event, so the fixture's value comes back
    NationalPlan.objects.filter(country__iso3="HND").update(stated_total=1)
    FocusArea.objects.filter(code="PRO").update(name_en="Shelter")

    load_plans()

    gtm.refresh_from_db()
    assert gtm.stated_total == 31
    assert not StatedCount.objects.filter(plan=gtm, focus_area__code="EDU").exists()
    assert FocusArea.objects.get(code="EDU").name_es == "Escuelas"
    assert FocusArea.objects.get(code="EDU").name_en == "Education"  # not edited: as loaded
    assert Country.objects.get(iso3="BLZ").name_es == "Belize"
    assert Pillar.objects.get(number=2).name_en == "Needs"
    assert ReportingPeriod.objects.get(code="2025").end_date.month == 11
    assert NationalPlan.objects.get(country__iso3="HND").stated_total == 44
    assert FocusArea.objects.get(code="PRO").name_en == "Protection"
