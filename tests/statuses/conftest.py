"""The concurrency tests (test_concurrent_writes.py) need real row locks and real parallel
transactions: PostgreSQL only.

On SQLite (which serialises every writer and has no row locks) that file is not even collected;
CI runs the suite a second time against PostgreSQL, where it runs. To run it alone:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/mirps .venv/bin/python -m pytest
tests/statuses/test_concurrent_writes.py``.
"""

from django.db import connection

collect_ignore_glob = [] if connection.vendor == "postgresql" else ["test_concurrent_writes.py"]
