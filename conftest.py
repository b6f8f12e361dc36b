"""Suite-wide test settings (the environment is set by pytest-env in pyproject.toml)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not under test; the real hasher costs ~0.3 s per user created.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The figures cache (pages, API answers) lives in process memory while each test's database
    # is rolled back, and test builders write rows without announcing figures_changed: start
    # every test with an empty cache so no test sees another's figures.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    # Files written by a test (evidence, uploads, the releases published when a period is
    # locked) go to a folder of its own, never the checkout's media/; a test may set its own.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
