"""Fixtures shared by the tests of every app (the settings-wide ones are in ../conftest.py)."""

import pytest

from tests.plans import loaded_plans


@pytest.fixture
def plans(db):
    """The 2021 plans, as ``manage.py load_plans`` loads them."""
    loaded_plans()
