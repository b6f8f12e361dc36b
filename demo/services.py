"""Synthetic demo statuses, clearly marked as such (source ``demo``), written through the same
services as a person's: the periods opened, locked and given deadlines by the period services,
the statuses recorded by ``record_many``; so the demo obeys every rule a person does (a locked
period accepts no change, a change of status says why, who wrote what is recorded)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from commitments.models import Commitment
from countries.roles import ensure_roles
from mirps.signals import announce_figures_changed
from mirps.vocabulary import Route
from periods.locking import share_periods
from periods.models import ReportingPeriod
from periods.services import open_period, set_period_deadlines, set_period_locked
from statuses.models import StatusUpdate
from statuses.services import StatusChange, record_many

# The demo's periods (opened through ``open_period`` when missing: the code says the dates) and
# the share of commitments reported in each.
DEMO_PERIODS = [
    ("2021", 0.55),
    ("2022", 0.7),
    ("2023", 0.75),
    ("2024-H1", 0.35),
    ("2024", 0.8),
]
# The periods whose reporting is over in the demo: locked, as the secretariat locks a period
# once its figures are published, so no team can upload into 2021. 2024 (its annual report
# still being finished) and the open period stay unlocked.
DEMO_CLOSED_PERIODS = ("2021", "2022", "2023", "2024-H1")

# The account the demo acts as (``demo_account``).
DEMO_USERNAME = "demo-data"


class DemoAccountTaken(Exception):
    """An account named ``demo-data`` exists that someone can sign in with: the demo will not
    make it a secretariat account nor write as it."""


def demo_account():
    """The secretariat account the demo writes as, created on first use: ``demo-data``, in the
    Secretariat group, with no usable password (nobody signs in as it), so every row and audit
    event of the demo says who wrote it, and the services check its role as they check a
    person's."""
    users = get_user_model().objects
    account, created = users.get_or_create(
        username=DEMO_USERNAME, defaults={"first_name": "Demo data", "last_name": "(synthetic)"}
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    elif account.has_usable_password() or not account.is_active:
        raise DemoAccountTaken(
            f"An account named {DEMO_USERNAME!r} exists and is not the demo's (it has a "
            "password or is inactive): rename it before seeding the demo."
        )
    account.groups.add(ensure_roles())
    return account


@dataclass(frozen=True)
class DemoStatus:
    """One synthetic status of the demo's history."""

    commitment: Commitment
    period_code: str
    status: int


def demo_history(commitments: Iterable[Commitment]) -> list[DemoStatus]:
    """The demo's history of ``commitments``: deterministic (each commitment's sequence is
    seeded by its code), some commitments never reported, statuses moving mostly up."""
    history = []
    for commitment in commitments:
        rng = random.Random(f"mirps-demo:{commitment.code}")
        if rng.random() < 0.12:  # some commitments are never reported, as in real follow-up
            continue
        status = None
        for code, share in DEMO_PERIODS:
            if rng.random() > share:
                continue
            if status is None:
                status = rng.choice([0, 0, 1, 1, 2])
            else:
                step = rng.choice([-1, 0, 0, 1, 1, 1, 2])
                status = max(0, min(5, status + step))
            history.append(DemoStatus(commitment, code, status))
    return history


def demo_periods(user) -> dict[str, ReportingPeriod]:
    """The demo's periods by code, each opened through ``open_period`` (route ``demo``) when it
    does not exist yet (load_plans loads the annual ones; 2024-H1 is the demo's)."""
    periods = {p.code: p for p in ReportingPeriod.objects.filter(code__in=dict(DEMO_PERIODS))}
    for code, _share in DEMO_PERIODS:
        if code not in periods:
            periods[code] = open_period(code=code, user=user, route=Route.DEMO)
    return periods


@transaction.atomic
def seed_demo() -> int:
    """Write the demo's deterministic, clearly synthetic history (2021-2024), then lock the
    closed periods (``lock_closed_periods``) and give the open one a calendar. Returns how many
    demo statuses the database holds.

    Statuses are recorded through ``record_many`` as the demo's secretariat account
    (``demo_account``), route ``demo``, so they are approved on save and follow every rule.
    Earlier demo rows of an unlocked period are replaced; a locked period is never written
    (its demo rows, written before it was locked, stay as they are: the same history, the same
    database). Real statuses are never touched nor hidden: a commitment with a real status in a
    period gets no demo status there.
    """
    actor = demo_account()
    periods = demo_periods(actor)
    # The periods under a shared lock while their demo rows are replaced (the lock order of
    # every writer: periods/locking.py); a locked period is left alone.
    shared = share_periods(p.pk for p in periods.values())
    open_ids = [pk for pk, period in shared.items() if not period.locked]
    StatusUpdate.objects.filter(source=Route.DEMO, period_id__in=open_ids).delete()
    real = set(
        StatusUpdate.objects.filter(period_id__in=open_ids)
        .exclude(source=Route.DEMO)
        .values_list("commitment_id", "period_id")
    )
    by_period: dict[str, list[StatusChange]] = {code: [] for code, _share in DEMO_PERIODS}
    for row in demo_history(Commitment.objects.order_by("code")):
        period = periods[row.period_code]
        if period.pk in open_ids and (row.commitment.pk, period.pk) not in real:
            by_period[row.period_code].append(
                StatusChange(
                    commitment=row.commitment,
                    status=row.status,
                    narrative=f"[DEMO] Synthetic status for {row.commitment.code} in "
                    f"{row.period_code}.",
                    base_version=None,  # the demo's own rows, not an edit of what someone saw
                )
            )
    for code, _share in DEMO_PERIODS:  # in order: each period's "status before" is the last
        record_many(by_period[code], period=periods[code], user=actor, source=Route.DEMO)
    lock_closed_periods(actor)
    demo_calendar(user=actor)
    announce_figures_changed(StatusUpdate)  # the demo rows removed move the figures too
    return StatusUpdate.objects.filter(source=Route.DEMO).count()


def lock_closed_periods(user=None) -> list[ReportingPeriod]:
    """Lock the demo's closed periods (``DEMO_CLOSED_PERIODS``) that are not locked yet,
    through the service that locks periods (audited, route ``demo``, by the demo's account;
    figures refreshed). Returns the periods locked now; a period unlocked by hand afterwards is
    locked again by the next ``seed_demo``."""
    user = user or demo_account()
    return [
        set_period_locked(period=period, locked=True, user=user, route=Route.DEMO)
        for period in ReportingPeriod.objects.filter(code__in=DEMO_CLOSED_PERIODS, locked=False)
    ]


# The demo calendar: the open period's submission deadline three weeks from the day the demo
# is seeded, the review deadline two weeks later, so the tracker shows days left.
DEMO_SUBMISSION_DAYS, DEMO_REVIEW_DAYS = 21, 35


def demo_calendar(today: date | None = None, *, user=None) -> ReportingPeriod | None:
    """Give the open period (``ReportingPeriod.objects.open_period``) demo deadlines,
    unless it has a submission deadline already (the secretariat's are never replaced),
    through ``set_period_deadlines`` (audited, route ``demo``). Returns the period changed, if
    any."""
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.open_period()
    if period is None or period.submission_deadline is not None:
        return None
    submission = max(today + timedelta(days=DEMO_SUBMISSION_DAYS), period.start_date)
    return set_period_deadlines(
        period=period,
        submission_deadline=submission,
        review_deadline=submission + timedelta(days=DEMO_REVIEW_DAYS - DEMO_SUBMISSION_DAYS),
        user=user or demo_account(),
        route=Route.DEMO,
    )
