"""A small world for the releases: two countries, a few commitments, two periods, statuses
recorded by the secretariat and by a national team (submitted, then approved or returned)."""

from __future__ import annotations

import pytest

from periods.services import set_period_locked
from statuses.models import StatusUpdate
from statuses.services import StatusChange, record_many
from tests import builders


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://monitor.example.org"


@pytest.fixture
def world(db):
    gtm = builders.CountryBuilder("GTM", "Guatemala")
    hnd = builders.CountryBuilder("HND", "Honduras")
    commitments = [
        gtm.commitment("PRO", 1, "Asylum office in Tecún Umán"),
        gtm.commitment("HEA", 2, "Health posts at the border"),
        gtm.commitment("EDU", 4, "Schools for refugee children"),
        hnd.commitment("JOB", 3, "Work permits"),
        hnd.commitment("PRO", 1, "Protection desks"),
    ]
    p2023 = builders.period("2023")
    p2024 = builders.period("2024")
    staff = builders.secretariat("sofia")
    team = builders.member("gtm-team", "GTM")
    team.email = "team@example.org"
    team.save()
    staff.email = "sofia@example.org"
    staff.save()

    def record(period, rows, user=staff):
        return record_many(
            [
                StatusChange(commitment=c, status=s, narrative=n, base_version=None, evidence_url=u)
                for c, s, n, u in rows
            ],
            period=period,
            user=user,
        )

    record(
        p2023, [(commitments[0], 2, "Office designed", ""), (commitments[3], 1, "Desk planned", "")]
    )
    record(
        p2024,
        [
            (commitments[0], 3, "Office open", "https://example.org/decree.pdf"),
            (commitments[1], 0, "Not started yet", ""),
            (commitments[3], 4, "Permits issued", ""),
        ],
    )
    # a submission the secretariat has not approved: never in a release
    record(p2024, [(commitments[2], 5, "SECRET-PENDING-NARRATIVE", "")], user=team)
    return {
        "commitments": commitments,
        "p2023": p2023,
        "p2024": p2024,
        "staff": staff,
        "team": team,
        "record": record,
    }


@pytest.fixture
def lock(django_capture_on_commit_callbacks):
    """Lock (or unlock) a period through the service the pages call, running what waits for
    the commit (the release is built then)."""

    def do(period, user, locked=True, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            set_period_locked(period=period, locked=locked, user=user, reason=reason)
        period.refresh_from_db()
        return period

    return do


def pending_rows():
    return StatusUpdate.objects.pending()
