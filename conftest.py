"""Suite-wide test settings (the environment is set by pytest-env in pyproject.toml)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not under test; the real hasher costs ~0.3 s per user created.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
