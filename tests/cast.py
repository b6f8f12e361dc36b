"""Casts and helpers shared by test modules of several apps (the tests of the former
``tests/hardening/`` and ``tests/forms/`` folders, now each in the folder of the app it tests).

A module takes a cast under the fixture name it uses, e.g. ``people = casts.role_attack_people``
(an assignment, not an import, so that the test's argument does not shadow an import); the
``plans`` fixture they depend on is the suite-wide one in ``tests/conftest.py``.
"""

import pytest
from django.test import Client
from django.utils import translation

from tests.builders import member, secretariat


@pytest.fixture
def role_attack_people(plans):
    """The cast of the role attack, with what each may do:

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


@pytest.fixture
def team_and_secretariat(plans):
    """sofia: the secretariat; gabriel: Guatemala's national team."""
    return {"sofia": secretariat("sofia"), "gabriel": member("gabriel", "GTM")}


@pytest.fixture(autouse=True)
def english():
    """Messages read in English (autouse in the modules that take it)."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def client_in(language: str, user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client
