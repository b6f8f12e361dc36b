"""Synthetic demo statuses, clearly marked as such (source ``demo``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import ChangeEvent, Commitment, ReportingPeriod, Source, StatusUpdate
from ..signals import announce_figures_changed
from .audit import log

DEMO_PERIODS = [
    # (code, kind, start, end, share of commitments reported in the period)
    ("2021", "annual", "2021-01-01", "2021-12-31", 0.55),
    ("2022", "annual", "2022-01-01", "2022-12-31", 0.7),
    ("2023", "annual", "2023-01-01", "2023-12-31", 0.75),
    ("2024-H1", "midyear", "2024-01-01", "2024-06-30", 0.35),
    ("2024", "annual", "2024-01-01", "2024-12-31", 0.8),
]


@transaction.atomic
def seed_demo() -> int:
    """Replace the demo statuses with a deterministic, clearly synthetic history (2021-2024).

    Every row written has source ``demo``; real statuses are never touched. The same database
    always gets the same history (each commitment's sequence is seeded by its code).
    """
    StatusUpdate.objects.filter(source=Source.DEMO).delete()
    periods = {}
    for code, kind, start, end, _share in DEMO_PERIODS:
        periods[code], _ = ReportingPeriod.objects.get_or_create(
            code=code, defaults={"kind": kind, "start_date": start, "end_date": end}
        )
    rows = []
    for commitment in Commitment.objects.order_by("code"):
        rng = random.Random(f"mirps-demo:{commitment.code}")
        if rng.random() < 0.12:  # some commitments are never reported, as in real follow-up
            continue
        status = None
        for code, _kind, _start, _end, share in DEMO_PERIODS:
            if rng.random() > share:
                continue
            if status is None:
                status = rng.choice([0, 0, 1, 1, 2])
            else:
                step = rng.choice([-1, 0, 0, 1, 1, 1, 2])
                status = max(0, min(5, status + step))
            rows.append(
                StatusUpdate(
                    commitment=commitment,
                    period=periods[code],
                    status=status,
                    narrative=f"[DEMO] Synthetic status for {commitment.code} in {code}.",
                    source=Source.DEMO,
                )
            )
    StatusUpdate.objects.bulk_create(rows, batch_size=500)
    demo_calendar()
    announce_figures_changed(StatusUpdate)
    return len(rows)


# The demo calendar: the open period's submission deadline three weeks from the day the demo
# is seeded, the review deadline two weeks later, so the tracker shows days left.
DEMO_SUBMISSION_DAYS, DEMO_REVIEW_DAYS = 21, 35


def demo_calendar(today: date | None = None) -> ReportingPeriod | None:
    """Give the open period (the newest unlocked one, as the tracker picks it) demo deadlines,
    unless it has a submission deadline already (the secretariat's are never replaced).
    Audited (route ``demo``). Returns the period changed, if any."""
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.filter(locked=False).order_by("-end_date", "-start_date")
    period = period.first()
    if period is None or period.submission_deadline is not None:
        return None
    period.submission_deadline = max(
        today + timedelta(days=DEMO_SUBMISSION_DAYS), period.start_date
    )
    period.review_deadline = period.submission_deadline + timedelta(
        days=DEMO_REVIEW_DAYS - DEMO_SUBMISSION_DAYS
    )
    period.save(update_fields=["submission_deadline", "review_deadline"])
    log(
        None,
        ChangeEvent.Action.PERIOD_DEADLINES,
        Source.DEMO,
        period=period,
        old="- / -",
        new=f"{period.submission_deadline.isoformat()} / {period.review_deadline.isoformat()}",
        comment="demo calendar (seed_demo)",
    )
    return period


def demo_data_present() -> bool:
    """Whether any synthetic demo status is loaded. One query answered from the partial index
    ``status_update_demo_rows`` (it never scans the table); the public pages cache it with the
    figures (``reports.cache.cached_demo_flag``)."""
    return StatusUpdate.objects.filter(source=Source.DEMO).exists()
