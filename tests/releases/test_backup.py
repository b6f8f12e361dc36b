"""Releases survive `export_data` / `import_data`: the rows and every file, byte for byte,
at the same addresses; and the next lock after the restore publishes 1.1, not 1.0 again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from releases.models import Release
from tests.releases.test_publish import files_of


@pytest.mark.django_db(transaction=True)
def test_export_import_keeps_every_release_file(world, settings, tmp_path):
    from periods.services import set_period_locked

    set_period_locked(period=world["p2024"], locked=True, user=world["staff"])
    client = Client()
    before = files_of(client, "2024", "1.0")
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    assert not Release.objects.exists()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"  # a new server: no files either
    call_command("import_data", str(archive), stdout=io.StringIO())

    assert files_of(client, "2024", "1.0") == before
    # the history goes on from the imported release
    from django.contrib.auth import get_user_model

    from periods.models import ReportingPeriod
    from statuses.services import StatusChange, record_many

    staff = get_user_model().objects.get(username="sofia")
    period = ReportingPeriod.objects.get(code="2024")
    set_period_locked(period=period, locked=False, user=staff, reason="restored, corrected")
    from commitments.models import Commitment

    record_many(
        [StatusChange(Commitment.objects.get(code="HND-PRO-01"), 2, "Desks open", None)],
        period=period,
        user=staff,
    )
    set_period_locked(period=period, locked=True, user=staff)
    assert [r.version for r in Release.objects.published()] == ["1.0", "1.1"]
