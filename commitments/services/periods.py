"""Reporting periods: open one, lock or unlock it."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ChangeEvent, PeriodKind, ReportingPeriod, Source
from ..permissions import require_secretariat
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


def open_period(*, code: str, user) -> ReportingPeriod:
    """Open a new reporting period from its code: ``2026`` (annual) or ``2026-H1`` (mid-year)."""
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
    with transaction.atomic():
        if ReportingPeriod.objects.filter(code=match.group(0)).exists():
            raise ValidationError({"code": _("This period already exists.")})
        period = ReportingPeriod.objects.create(
            code=match.group(0), kind=kind, start_date=start, end_date=end
        )
        log(user, ChangeEvent.Action.PERIOD_OPENED, Source.WEB, period=period, new=period.code)
    return period
