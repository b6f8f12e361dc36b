"""Test configuration shared by the whole suite."""

import os

# Tests run with the development configuration (no HTTPS redirect, a throwaway secret key).
# DATABASE_URL, when set, selects the database (CI runs the suite on SQLite and PostgreSQL).
os.environ.setdefault("DJANGO_DEV", "1")
