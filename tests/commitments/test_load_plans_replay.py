"""The suite's shortcut for the plans (tests/plans.py) leaves the database exactly as
``load_plans`` does: after a replay, the real ``load_plans`` finds every row already there and
unchanged (nothing created, nothing updated) and no table differs by a row."""

import pytest
from django.db import connection, transaction

from commitments.models import Commitment
from commitments.services import load_plans
from tests import plans as shortcut

pytestmark = pytest.mark.django_db


def _everything() -> dict:
    with connection.cursor() as cursor:
        return {t: sorted(map(repr, shortcut._rows(cursor, t)[1])) for t in shortcut._tables()}


def test_a_replay_leaves_what_load_plans_would_leave():
    with transaction.atomic():  # the first load in this process (real, then noted), undone
        shortcut.loaded_plans()
        transaction.set_rollback(True)
    replays = shortcut.replays
    shortcut.loaded_plans()
    assert shortcut.replays == replays + 1, "the shortcut should replay in this database"
    replayed = _everything()
    assert Commitment.objects.count() > 200

    again = load_plans()

    assert (again.created, again.updated) == (0, 0)
    assert _everything() == replayed
    assert Commitment.objects.count() == again.commitments
