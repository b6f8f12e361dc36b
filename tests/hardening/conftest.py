import pytest
from django.test import Client
from django.utils import translation

from commitments.services import load_plans
from tests.builders import member, secretariat


@pytest.fixture
def plans(db):
    load_plans()


@pytest.fixture
def people(plans):
    """The cast of the attack, with what each may do:

    * sofia: secretariat (staff, the Secretariat group); every country; reviews; locks periods.
    * gabriel: Guatemala's national team; records for GTM only; reads others as the public does.
    * hugo: Honduras's national team; records for HND only.
    * pat: an account with no role; reads public pages only.
    * root: a superuser (the only one who may edit permissions).
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    sofia = secretariat("sofia")
    sofia.is_staff = True
    sofia.save(update_fields=["is_staff"])
    return {
        "sofia": sofia,
        "gabriel": member("gabriel", "GTM"),
        "hugo": member("hugo", "HND"),
        "pat": users.create_user("pat", password="pw-Nobody-2024"),
        "root": users.create_superuser("root", "root@example.org", "pw-Root-2024-x"),
    }


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")
