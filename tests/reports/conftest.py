import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The figures cache lives in process memory while each test's database is rolled back:
    # start every test with an empty cache so no test sees another's figures.
    cache.clear()
    yield
    cache.clear()
