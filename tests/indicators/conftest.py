import pytest
from django.core.cache import cache

from funding.services import load_quantification
from indicators.loading import load_indicators
from tests.builders import member, secretariat
from tests.plans import loaded_plans


@pytest.fixture
def context_data(db):
    """The 2021 plans, the 2024 indicators (with links) and the 2020 quantification."""
    cache.clear()
    loaded_plans()
    load_indicators()
    load_quantification()
    yield
    cache.clear()


@pytest.fixture
def people(context_data):
    """The cast, with what each may do with indicator values (the statuses' matrix):

    * sofia: secretariat; records for every country (approved at once), reviews.
    * gabriel: Guatemala's national team; records for GTM only (submitted for review); reads
      every GTM value, and other countries' approved values only.
    * hugo: Honduras's national team; records for HND only.
    * pat: an account with no role; reads approved values only, records nothing.
    """
    from django.contrib.auth import get_user_model

    return {
        "sofia": secretariat("sofia"),
        "gabriel": member("gabriel", "GTM"),
        "hugo": member("hugo", "HND"),
        "pat": get_user_model().objects.create_user("pat", password="pw-Nobody-2024"),
    }


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
