import pytest

from tests.builders import member, secretariat
from tests.plans import loaded_plans


@pytest.fixture
def plans(db):
    loaded_plans()


@pytest.fixture
def people(plans):
    """The cast, with what each may do:

    * sofia: secretariat; records for every country (approved at once), reviews, locks periods.
    * gabriel: Guatemala's national team; records for GTM only (submitted for review).
    * hugo: Honduras's national team; records for HND only.
    * nadia: both GTM and HND teams.
    * pat: an account with no role; reads public pages only.
    """
    from django.contrib.auth import get_user_model

    return {
        "sofia": secretariat("sofia"),
        "gabriel": member("gabriel", "GTM"),
        "hugo": member("hugo", "HND"),
        "nadia": member("nadia", "GTM", "HND"),
        "pat": get_user_model().objects.create_user("pat", password="pw-Nobody-2024"),
    }


@pytest.fixture(autouse=True)
def _english():
    """These tests read messages in English (Spanish is the default; its tests are elsewhere)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
