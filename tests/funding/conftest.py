# The same data and cast as the indicator tests (see tests/indicators/conftest.py).
from tests.indicators.conftest import _english, context_data, people  # noqa: F401
