"""Reporting periods: open one (with its deadlines), set its deadlines, lock or unlock it."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ChangeEvent, PeriodKind, ReportingPeriod, Source
from ..permissions import require_secretariat
from ..signals import announce_period_opened
from .audit import log


def set_period_locked(*, period: ReportingPeriod, locked: bool, user) -> ReportingPeriod:
    require_secretariat(user)
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.locked != locked:
            period.locked = locked
            period.save(update_fields=["locked"])
            action = (
                ChangeEvent.Action.PERIOD_LOCKED if locked else ChangeEvent.Action.PERIOD_UNLOCKED
            )
            log(user, action, Source.WEB, period=period, old=str(not locked), new=str(locked))
    return period


PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$")


def open_period(
    *, code: str, user, submission_deadline: date | None = None, review_deadline: date | None = None
) -> ReportingPeriod:
    """Open a new reporting period from its code: ``2026`` (annual) or ``2026-H1`` (mid-year),
    with its deadlines if given (see ``check_deadlines``). National teams are told once the
    period exists (the ``period_opened`` signal, after commit)."""
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
        )
        log(user, ChangeEvent.Action.PERIOD_OPENED, Source.WEB, period=period, new=period.code)
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
    route: str = Source.WEB,
) -> ReportingPeriod:
    """Set (or clear) a period's submission and review deadlines, with an audit event.

    Reminders follow the new dates: those already sent are not sent again (the notifications
    app keys them by period and threshold)."""
    require_secretariat(user)
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
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
