"""Concurrency tests need real row locks and real parallel transactions: PostgreSQL only.

On SQLite (which serialises every writer and has no row locks) this directory is not even
collected; CI runs the suite a second time against PostgreSQL, where these tests run. To run
them alone: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/mirps .venv/bin/python -m pytest
tests/concurrency``.
"""

from django.db import connection

collect_ignore_glob = [] if connection.vendor == "postgresql" else ["test_*.py"]
