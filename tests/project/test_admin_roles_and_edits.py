"""Findings 1 and 7: the admin lets the secretariat do what its role allows and nothing more, and
its edits go through the services (audited, figures invalidated)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from audit.models import ChangeEvent
from commitments.models import Commitment, Pillar
from mirps.signals import figures_changed
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from statuses.models import StatusUpdate
from statuses.services import record_status
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db


def user_form(user, **overrides) -> dict:
    """What the admin's user change form posts for ``user``, with ``overrides``."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
    }
    memberships = list(user.memberships.all())
    data.update(
        {
            "memberships-TOTAL_FORMS": str(len(memberships)),
            "memberships-INITIAL_FORMS": str(len(memberships)),
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    for n, membership in enumerate(memberships):
        data[f"memberships-{n}-id"] = str(membership.pk)
        data[f"memberships-{n}-user"] = str(user.pk)
        data[f"memberships-{n}-country"] = str(membership.country_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def figures_signals():
    """Every ``figures_changed`` sent (after commit) while the test runs."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append(sender)

    figures_changed.connect(receiver)
    yield sent
    figures_changed.disconnect(receiver)


# --- 1. no escalation --------------------------------------------------------------------


def test_the_secretariat_cannot_make_itself_superuser_or_grant_itself_permissions(client, people):
    sofia = people["sofia"]
    client.force_login(sofia)
    url = f"/admin/auth/user/{sofia.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html

    delete = Permission.objects.get(codename="delete_statusupdate")
    response = client.post(
        url,
        user_form(
            sofia,
            is_superuser="on",
            user_permissions=[str(delete.pk)],
            groups=[str(g.pk) for g in sofia.groups.all()],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sofia.refresh_from_db()
    assert not sofia.is_superuser
    assert not sofia.user_permissions.exists()
    assert not sofia.has_perm("statuses.delete_statusupdate")


def test_the_secretariat_may_give_only_its_own_group(client, people):
    from django.contrib.auth.models import Group

    powerful = Group.objects.create(name="Everything")
    powerful.permissions.set(Permission.objects.all())
    client.force_login(people["sofia"])
    gabriel = people["gabriel"]
    url = f"/admin/auth/user/{gabriel.pk}/change/"
    html = client.get(url).content.decode()
    assert "Secretariat" in html and "Everything" not in html
    response = client.post(url, user_form(gabriel, groups=[str(powerful.pk)]))
    assert response.status_code == 200  # the form again: not a valid choice
    assert not gabriel.groups.exists()


def test_the_secretariat_cannot_touch_a_superuser_account(client, people):
    root = people["root"]
    client.force_login(people["sofia"])
    page = client.get(f"/admin/auth/user/{root.pk}/change/")
    assert page.status_code == 200 and b'name="username"' not in page.content  # read only
    change = client.post(f"/admin/auth/user/{root.pk}/change/", user_form(root, is_active=""))
    assert change.status_code == 403
    password = client.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "Taken-over-2024", "password2": "Taken-over-2024"},
    )
    assert password.status_code == 403
    root.refresh_from_db()
    assert root.check_password("pw-Root-2024-x") and root.is_active


def test_a_superuser_still_manages_permissions(client, people):
    client.force_login(people["root"])
    sofia = people["sofia"]
    html = client.get(f"/admin/auth/user/{sofia.pk}/change/").content.decode()
    assert 'name="is_superuser"' in html and 'name="user_permissions"' in html


@pytest.mark.parametrize("who", ["sofia", "root"])
def test_history_rows_are_never_deletable_through_the_admin(client, people, who):
    update = record_status(
        commitment=Commitment.objects.get(code="GTM-HEA-01"),
        period=ReportingPeriod.objects.get(code="2024"),
        status=3,
        narrative="Done in part",
        user=people["sofia"],
    )
    user = people[who]
    user.user_permissions.add(Permission.objects.get(codename="delete_statusupdate"))
    client.force_login(user)
    assert client.get(f"/admin/statuses/statusupdate/{update.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/statuses/statusupdate/",
        {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    # Deleting a commitment or a period would cascade to its history and audit trail.
    commitment = Commitment.objects.get(code="GTM-HEA-01")
    assert client.get(f"/admin/commitments/commitment/{commitment.pk}/delete/").status_code == 403
    period = ReportingPeriod.objects.get(code="2024")
    assert client.get(f"/admin/periods/reportingperiod/{period.pk}/delete/").status_code == 403
    assert StatusUpdate.objects.filter(pk=update.pk).exists()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


# --- 7. admin edits go through the services ------------------------------------------------


def period_form(period, **overrides) -> dict:
    data = {
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
        "locked": "on" if period.locked else "",
        "submission_deadline": (period.submission_deadline or "")
        and str(period.submission_deadline),
        "review_deadline": (period.review_deadline or "") and str(period.review_deadline),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_locking_a_period_in_the_admin_is_audited_and_moves_the_figures(
    client, people, figures_signals, django_capture_on_commit_callbacks
):
    period = ReportingPeriod.objects.get(code="2024")
    client.force_login(people["sofia"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/periods/reportingperiod/{period.pk}/change/",
            period_form(period, locked="on"),
        )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.locked
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_LOCKED)
    assert (event.user, event.period, event.route) == (people["sofia"], period, "admin")
    assert figures_signals


def test_a_locked_periods_dates_do_not_move(client, people, figures_signals):
    period = ReportingPeriod.objects.get(code="2024")
    set_period_locked(period=period, locked=True, user=people["sofia"])
    client.force_login(people["sofia"])
    response = client.post(
        f"/admin/periods/reportingperiod/{period.pk}/change/",
        period_form(period, locked="on", end_date="2025-03-31"),
    )
    assert response.status_code == 200
    assert "Unlock the period" in response.content.decode()
    period.refresh_from_db()
    assert period.end_date == dt.date(2024, 12, 31)


def test_moving_an_open_periods_dates_is_audited_and_moves_the_figures(
    client, people, figures_signals, django_capture_on_commit_callbacks
):
    period = ReportingPeriod.objects.get(code="2025")
    client.force_login(people["sofia"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/periods/reportingperiod/{period.pk}/change/",
            period_form(period, end_date="2025-11-30"),
        )
    assert response.status_code == 302
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_EDITED)
    assert (event.old_value, event.new_value) == (
        "2025-01-01 – 2025-12-31",
        "2025-01-01 – 2025-11-30",
    )
    assert event.route == "admin" and event.user == people["sofia"]
    assert figures_signals


def test_deadlines_are_edited_in_the_admin_through_the_service(
    client, people, django_capture_on_commit_callbacks
):
    period = ReportingPeriod.objects.get(code="2025")
    url = f"/admin/periods/reportingperiod/{period.pk}/change/"
    client.force_login(people["sofia"])
    page = client.get(url).content.decode()
    assert 'name="submission_deadline"' in page and 'name="review_deadline"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            period_form(period, submission_deadline="2025-11-15", review_deadline="2025-12-01"),
        )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.submission_deadline, period.review_deadline) == (
        dt.date(2025, 11, 15),
        dt.date(2025, 12, 1),
    )
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PERIOD_DEADLINES)
    assert (event.old_value, event.new_value) == ("- / -", "2025-11-15 / 2025-12-01")
    assert event.route == "admin" and event.user == people["sofia"]
    # saving the form again unchanged writes no event
    client.post(url, period_form(period))
    assert ChangeEvent.objects.filter(action=ChangeEvent.Action.PERIOD_DEADLINES).count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"submission_deadline": "2024-12-31"}, "submission_deadline", "before the period starts"),
        ({"review_deadline": "2025-10-01"}, "review_deadline", "Set a submission deadline"),
        (
            {"submission_deadline": "2025-11-15", "review_deadline": "2025-11-01"},
            "review_deadline",
            "before the submission deadline",
        ),
    ],
)
def test_bad_deadlines_get_a_clear_message_and_nothing_is_written(
    client, people, overrides, field, message
):
    period = ReportingPeriod.objects.get(code="2025")
    client.force_login(people["sofia"])
    response = client.post(
        f"/admin/periods/reportingperiod/{period.pk}/change/",
        period_form(period, **overrides),
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]
    period.refresh_from_db()
    assert (period.submission_deadline, period.review_deadline) == (None, None)
    assert not ChangeEvent.objects.filter(action=ChangeEvent.Action.PERIOD_DEADLINES).exists()


def test_deadlines_and_dates_move_together_in_one_save(client, people):
    period = ReportingPeriod.objects.get(code="2025")
    client.force_login(people["sofia"])
    # the deadline fits only the new start: the dates move first, then the deadline is set
    response = client.post(
        f"/admin/periods/reportingperiod/{period.pk}/change/",
        period_form(period, start_date="2024-12-01", submission_deadline="2024-12-15"),
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.start_date, period.submission_deadline) == (
        dt.date(2024, 12, 1),
        dt.date(2024, 12, 15),
    )
    actions = set(ChangeEvent.objects.values_list("action", flat=True))
    assert {ChangeEvent.Action.PERIOD_EDITED, ChangeEvent.Action.PERIOD_DEADLINES} <= actions


def test_pillar_edits_are_audited(
    client, people, figures_signals, django_capture_on_commit_callbacks
):
    pillar = Pillar.objects.get(number=2)
    client.force_login(people["root"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/commitments/pillar/{pillar.pk}/change/",
            {
                "number": "2",
                "name_en": "Immediate and persistent needs (renamed)",
                "name_es": pillar.name_es,
                "description_en": pillar.description_en,
                "description_es": pillar.description_es,
            },
        )
    assert response.status_code == 302
    event = ChangeEvent.objects.get(action=ChangeEvent.Action.PILLAR_EDITED)
    assert event.pillar == pillar and event.user == people["root"] and event.route == "admin"
    assert "renamed" in event.new_value and "renamed" not in event.old_value
    assert figures_signals


def test_reclassifying_a_commitment_is_audited(
    client, people, figures_signals, django_capture_on_commit_callbacks
):
    commitment = Commitment.objects.get(code="GTM-HEA-01")
    before = commitment.pillar
    target = Pillar.objects.exclude(pk=before.pk).first()
    client.force_login(people["sofia"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/commitments/commitment/{commitment.pk}/change/",
            {
                "text_es": commitment.text_es,
                "pillar": str(target.pk),
                "pillar_rationale": "Health services for host communities",
            },
        )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.pillar == target
    events = ChangeEvent.objects.filter(
        action=ChangeEvent.Action.COMMITMENT_EDITED, commitment=commitment
    )
    assert {(e.old_value, e.new_value) for e in events} >= {(str(before), str(target))}
    assert all(e.route == "admin" and e.user == people["sofia"] for e in events)
    assert figures_signals
