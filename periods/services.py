"""Reporting periods: open one (with its deadlines), set its deadlines, lock or unlock it, move
its dates.

Every change to a period locks its row exclusively first (services/locking.py), so it waits for
the status writes in flight in that period and the writes after it see the change. Every change
is an audit event and moves the public figures (``figures_changed``).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeEvent
from audit.services import log
from countries.permissions import require_secretariat
from mirps.signals import (
    announce_figures_changed,
    announce_period_locked,
    announce_period_opened,
)
from mirps.vocabulary import Route
from periods.locking import lock_period
from periods.models import PeriodKind, ReportingPeriod


class PeriodLocked(ValidationError):
    """The period is locked: nothing in it may change."""

    @classmethod
    def of(cls, period: ReportingPeriod) -> PeriodLocked:
        """The one refusal of a change in the locked ``period`` (and its one wording), for
        every write and review of what it holds (``refuse_if_locked``)."""
        return cls(
            {
                "period": _("The period %(period)s is locked: it accepts no changes.")
                % {"period": period.code}
            }
        )


def refuse_if_locked(period: ReportingPeriod) -> None:
    """Raise ``PeriodLocked`` when ``period`` is locked: nothing in it may change."""
    if period.locked:
        raise PeriodLocked.of(period)


def set_period_locked(
    *, period: ReportingPeriod, locked: bool, user, route: str = Route.WEB, reason: str = ""
) -> ReportingPeriod:
    """Lock or unlock a period; ``reason`` (why it is unlocked) goes into the audit event and
    the errata of the period's next release."""
    return edit_period(period=period, user=user, locked=locked, route=route, reason=reason)


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def period_edit_problems(
    period: ReportingPeriod, *, start_date: date, end_date: date, locked: bool
) -> dict[str, str]:
    """Why these new values cannot be saved for ``period`` as it is stored (empty: they can).

    A locked period refuses every change: its dates move only once it is unlocked (a save that
    unlocks it may move them too)."""
    problems = {}
    moved = (start_date, end_date) != (period.start_date, period.end_date)
    if moved and period.locked and locked:
        problems["end_date" if end_date != period.end_date else "start_date"] = _(
            "The period %(period)s is locked: its dates cannot move. Unlock the period first."
        ) % {"period": period.code}
    if end_date < start_date:
        problems["end_date"] = _("The end comes before the start.")
    try:  # the deadlines stay valid for the new dates
        check_deadlines(
            start=start_date, submission=period.submission_deadline, review=period.review_deadline
        )
    except ValidationError as refused:
        for message in refused.message_dict.get("submission_deadline", []):
            problems.setdefault("start_date", message)
    return problems


def edit_period(
    *,
    period: ReportingPeriod,
    user,
    start_date: date | None = None,
    end_date: date | None = None,
    locked: bool | None = None,
    route: str = Route.WEB,
    reason: str = "",
) -> ReportingPeriod:
    """Lock, unlock or move a period (secretariat only, whatever the route: the demo locks
    its closed periods as its own secretariat account); each change is an audit event and
    moves the figures. Raises ``ValidationError`` (by field) when the rules refuse it."""
    require_secretariat(user)
    with transaction.atomic():
        period = lock_period(period)
        start = period.start_date if start_date is None else start_date
        end = period.end_date if end_date is None else end_date
        lock = period.locked if locked is None else locked
        problems = period_edit_problems(period, start_date=start, end_date=end, locked=lock)
        if problems:
            raise ValidationError(problems)
        changed = []
        # Unlocking comes before moving and locking after it, so the trail reads in order.
        if period.locked and not lock:
            period.locked = False
            changed.append("locked")
            log(
                user,
                ChangeEvent.Action.PERIOD_UNLOCKED,
                route,
                period=period,
                old="True",
                new="False",
                comment=(reason or "").strip()[:2000],
            )
        if (start, end) != (period.start_date, period.end_date):
            old = _span(period.start_date, period.end_date)
            period.start_date, period.end_date = start, end
            changed += ["start_date", "end_date"]
            log(
                user,
                ChangeEvent.Action.PERIOD_EDITED,
                route,
                period=period,
                old=old,
                new=_span(start, end),
            )
        if lock and not period.locked:
            period.locked = True
            changed.append("locked")
            log(
                user,
                ChangeEvent.Action.PERIOD_LOCKED,
                route,
                period=period,
                old="False",
                new="True",
            )
        if changed:
            period.save(update_fields=changed)
            # Dates decide which status is "as of" a period; a lock changes what may move.
            announce_figures_changed(ReportingPeriod)
            if "locked" in changed and period.locked:
                announce_period_locked(period)  # its release is published (releases app)
    return period


PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$")


def open_period(
    *,
    code: str,
    user,
    submission_deadline: date | None = None,
    review_deadline: date | None = None,
    figures_as_of: date | None = None,
    route: str = Route.WEB,
) -> ReportingPeriod:
    """Open a new reporting period from its code: ``2026`` (annual) or ``2026-H1`` (mid-year),
    with its deadlines and the day its figures are as of, if given (see ``check_deadlines``;
    the page offers the calendar's defaults, ``periods/calendar.py``). National teams are told
    once the period exists (the ``period_opened`` signal, after commit)."""
    require_secretariat(user)
    match = PERIOD_CODE.match((code or "").strip())
    if not match:
        raise ValidationError({"code": _("Use a year (2026) or a half year (2026-H1).")})
    year, half = int(match["year"]), match["half"]
    if half is None:
        kind, start, end = PeriodKind.ANNUAL, date(year, 1, 1), date(year, 12, 31)
    elif half == "1":
        kind, start, end = PeriodKind.MIDYEAR, date(year, 1, 1), date(year, 6, 30)
    else:
        kind, start, end = PeriodKind.MIDYEAR, date(year, 7, 1), date(year, 12, 31)
    check_deadlines(start=start, submission=submission_deadline, review=review_deadline)
    with transaction.atomic():
        if ReportingPeriod.objects.filter(code=match.group(0)).exists():
            raise ValidationError({"code": _("This period already exists.")})
        period = ReportingPeriod.objects.create(
            code=match.group(0),
            kind=kind,
            start_date=start,
            end_date=end,
            submission_deadline=submission_deadline,
            review_deadline=review_deadline,
            figures_as_of=figures_as_of,
        )
        log(user, ChangeEvent.Action.PERIOD_OPENED, route, period=period, new=period.code)
        announce_figures_changed(ReportingPeriod)
        announce_period_opened(period)
    return period


def check_deadlines(*, start: date, submission: date | None, review: date | None) -> None:
    """The calendar's rules (also check constraints in the schema): the submission deadline
    falls on or after the period's start; a review deadline needs a submission deadline and
    falls on or after it."""
    errors = {}
    if submission is not None and submission < start:
        errors["submission_deadline"] = _(
            "The submission deadline cannot fall before the period starts (%(start)s)."
        ) % {"start": start.isoformat()}
    if review is not None and submission is None:
        errors["review_deadline"] = _("Set a submission deadline before a review deadline.")
    elif review is not None and review < submission:
        errors["review_deadline"] = _(
            "The review deadline cannot fall before the submission deadline."
        )
    if errors:
        raise ValidationError(errors)


def _deadline_text(period: ReportingPeriod) -> str:
    submission = period.submission_deadline.isoformat() if period.submission_deadline else "-"
    review = period.review_deadline.isoformat() if period.review_deadline else "-"
    return f"{submission} / {review}"


def set_period_deadlines(
    *,
    period: ReportingPeriod,
    submission_deadline: date | None,
    review_deadline: date | None = None,
    user,
    route: str = Route.WEB,
) -> ReportingPeriod:
    """Set (or clear) a period's submission and review deadlines, with an audit event.

    Reminders follow the new dates: those already sent are not sent again (the notifications
    app keys them by period and threshold)."""
    require_secretariat(user)
    with transaction.atomic():
        period = lock_period(period)
        check_deadlines(
            start=period.start_date, submission=submission_deadline, review=review_deadline
        )
        before = _deadline_text(period)
        period.submission_deadline = submission_deadline
        period.review_deadline = review_deadline
        after = _deadline_text(period)
        if before != after:
            period.save(update_fields=["submission_deadline", "review_deadline"])
            log(
                user,
                ChangeEvent.Action.PERIOD_DEADLINES,
                route,
                period=period,
                old=before,
                new=after,
            )
    return period
