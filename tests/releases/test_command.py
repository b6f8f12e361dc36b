"""`manage.py publish_releases`: a locked period without a release (an upgraded database)
gets its 1.0; a failed release is retried; nothing is published twice."""

from __future__ import annotations

import io

from django.core.management import call_command

from periods.models import ReportingPeriod
from releases.models import Release


def test_publishes_locked_periods_without_a_release(world):
    ReportingPeriod.objects.filter(code="2023").update(locked=True)  # locked before releases
    out = io.StringIO()
    call_command("publish_releases", stdout=out)
    assert "2023: published 1.0" in out.getvalue()
    call_command("publish_releases", stdout=io.StringIO())
    assert Release.objects.count() == 1  # not again


def test_retries_a_failed_release(world):
    release = Release.objects.create(period=world["p2024"], state=Release.State.FAILED)
    ReportingPeriod.objects.filter(code="2024").update(locked=True)
    call_command("publish_releases", stdout=io.StringIO())
    release.refresh_from_db()
    assert (release.state, release.version) == ("published", "1.0")
