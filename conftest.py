"""Suite-wide test settings (the environment is set by pytest-env in pyproject.toml)."""

import pytest
from django.core.cache import cache

# The longest tests (a browser walk, the API's fuzzing, a migration run backwards and forwards:
# 2-45 s each, where most tests take 0.05-0.5 s) run first, so that no worker is left with one
# of them at the end while the other idles; with --dist worksteal (pyproject.toml) the short
# ones even out the rest.
LONGEST_FIRST = (
    "tests/browser/",
    "tests/project/test_openapi_schema_fuzz.py",
    "tests/commitments/test_migration_hand_edits.py",
    "tests/audit/test_indicator_trail_migration.py",
)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


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
