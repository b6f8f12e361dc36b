"""Issue 19, item 9: a secretariat member could set another secretariat member's password in
the admin and act as them. Only a superuser may change the credentials (password, e-mail,
username, active flag, groups) of an account with equal or higher rights
(``countries.permissions.may_manage_account``); the admin is the only door that changes
accounts (a password reset by e-mail goes to the account's own address)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from countries.permissions import SECRETARIAT_GROUP, may_manage_account
from tests import cast as casts
from tests.builders import secretariat
from tests.project.test_admin_roles_and_edits import user_form

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db

TAKEN = "Taken-over-2024-x"


@pytest.fixture
def maria(people):
    """A second secretariat member: the same rights as sofia."""
    user = secretariat("maria", password="pw-Maria-2024-x")
    user.is_staff = True
    user.email = "maria@example.org"
    user.save()
    return user


def set_password(client, user):
    return client.post(
        f"/admin/auth/user/{user.pk}/password/", {"password1": TAKEN, "password2": TAKEN}
    )


def test_a_secretariat_member_cannot_take_over_a_colleagues_account(client, people, maria):
    client.force_login(people["sofia"])
    assert client.get(f"/admin/auth/user/{maria.pk}/password/").status_code == 403
    assert set_password(client, maria).status_code == 403
    page = client.get(f"/admin/auth/user/{maria.pk}/change/")
    assert page.status_code == 200  # read only
    assert b'name="email"' not in page.content and b'name="username"' not in page.content
    for change in (
        {"email": "sofia@example.org"},  # then a password reset would come to sofia
        {"username": "maria-old"},
        {"is_active": ""},
        {"groups": []},
    ):
        form = user_form(maria, **{"email": maria.email, **change})
        form.setdefault("groups", [str(g.pk) for g in maria.groups.all()])
        response = client.post(f"/admin/auth/user/{maria.pk}/change/", form)
        assert response.status_code == 403, change
    assert client.post(f"/admin/auth/user/{maria.pk}/delete/", {"post": "yes"}).status_code == 403
    maria.refresh_from_db()
    assert maria.check_password("pw-Maria-2024-x") and not maria.check_password(TAKEN)
    assert maria.email == "maria@example.org" and maria.username == "maria" and maria.is_active
    assert maria.groups.filter(name=SECRETARIAT_GROUP).exists()


def test_nor_an_inactive_colleagues_account(client, people, maria):
    """Deactivated, a colleague keeps the rights a reactivation gives back."""
    maria.is_active = False
    maria.save()
    client.force_login(people["sofia"])
    assert set_password(client, maria).status_code == 403
    response = client.post(
        f"/admin/auth/user/{maria.pk}/change/",
        user_form(
            maria,
            email=maria.email,
            is_active="on",
            groups=[str(g.pk) for g in maria.groups.all()],
        ),
    )
    assert response.status_code == 403
    maria.refresh_from_db()
    assert not maria.is_active and not maria.check_password(TAKEN)


def test_nor_an_account_with_rights_they_do_not_hold(client, people):
    other = get_user_model().objects.create_user(
        "auditor", password="pw-Auditor-2024", is_staff=True
    )
    other.user_permissions.add(Permission.objects.get(codename="delete_statusupdate"))
    client.force_login(people["sofia"])
    assert set_password(client, other).status_code == 403
    assert not get_user_model().objects.get(pk=other.pk).check_password(TAKEN)


def test_a_secretariat_member_still_manages_national_teams(client, people):
    gabriel = people["gabriel"]
    client.force_login(people["sofia"])
    assert set_password(client, gabriel).status_code == 302
    response = client.post(
        f"/admin/auth/user/{gabriel.pk}/change/",
        user_form(gabriel, email="gabriel@example.org", is_active=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    gabriel.refresh_from_db()
    assert gabriel.check_password(TAKEN)
    assert gabriel.email == "gabriel@example.org" and not gabriel.is_active


def test_their_own_credentials_change_only_with_the_current_password(client, people):
    sofia = people["sofia"]
    client.force_login(sofia)
    assert set_password(client, sofia).status_code == 403
    page = client.get(f"/admin/auth/user/{sofia.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' not in html and 'name="is_active"' not in html
    assert 'name="first_name"' in html  # the rest of their account is theirs to edit
    response = client.post(
        f"/admin/auth/user/{sofia.pk}/change/",
        user_form(sofia, first_name="Sofía", email="attacker@example.org", username="root2"),
    )
    assert response.status_code == 302
    sofia.refresh_from_db()
    assert sofia.first_name == "Sofía" and sofia.email == "" and sofia.username == "sofia"
    changed = client.post(
        "/admin/password_change/",
        {
            "old_password": "pw-Secretariat-2024",
            "new_password1": "Another-Sofia-2025",
            "new_password2": "Another-Sofia-2025",
        },
    )
    assert changed.status_code == 302
    sofia.refresh_from_db()
    assert sofia.check_password("Another-Sofia-2025")


def test_a_superuser_manages_every_account(client, people, maria):
    client.force_login(people["root"])
    assert set_password(client, maria).status_code == 302
    maria.refresh_from_db()
    assert maria.check_password(TAKEN)


def test_the_rule(people, maria):
    sofia, gabriel, root, pat = (people[n] for n in ("sofia", "gabriel", "root", "pat"))
    assert not may_manage_account(sofia, maria)
    assert not may_manage_account(maria, sofia)
    assert not may_manage_account(sofia, root)
    assert not may_manage_account(sofia, sofia)
    assert may_manage_account(sofia, gabriel) and may_manage_account(sofia, pat)
    assert may_manage_account(root, maria) and may_manage_account(root, root)
    assert not may_manage_account(gabriel, pat)  # no rights to manage with
    assert not may_manage_account(None, pat)
    # a staff account with fewer of the secretariat's permissions is lower
    helper = get_user_model().objects.create_user(
        "helper", password="pw-Helper-2024", is_staff=True
    )
    group = Group.objects.create(name="Readers")
    group.permissions.add(Permission.objects.get(codename="view_statusupdate"))
    helper.groups.add(group)
    assert may_manage_account(sofia, helper) and not may_manage_account(helper, sofia)
