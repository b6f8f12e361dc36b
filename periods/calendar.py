"""The reporting calendar the seeds give, as the defaults when the secretariat opens a period
(issue 22). Each default names its source; the secretariat can change every one of them.

* National reports are due **at the end of August**: "Once the format and the impact
  indicators are agreed upon, MIRPS countries will develop their national reports (deadline to
  submit national reports – end of August 2019)." (the 2019 work plan, ``fixtures/sources/
  002_…txt``).
* The annual report's figures are **as of 30 September**: "Data provided by the Government
  Migration Office (Dirección General de Migración y Extranjería, DGME) as of 30 September
  2024." and the other country figures of the 2024 annual report (``fixtures/sources/
  003_…txt``).
* **Mid-year reports since 2024**: "the Government of Belize introduced mid-year MIRPS reports"
  (the 2024 annual report): from 2024 a year has a mid-year period (``YYYY-H1``) before the
  annual one. The seeds give no deadline for it; the default is ours and says so: the end of
  the month after the half ends (31 July), the same month's span as the annual report's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from periods.models import ReportingPeriod

ANNUAL_DEADLINE = (8, 31)  # end of August (2019 work plan)
FIGURES_AS_OF = (9, 30)  # 30 September (2024 annual report)
MIDYEAR_SINCE = 2024
MIDYEAR_DEADLINE = (7, 31)  # ours: the seeds give none for the mid-year report


@dataclass(frozen=True)
class CalendarDefaults:
    code: str
    submission_deadline: datetime.date
    figures_as_of: datetime.date


def defaults_for(code: str) -> CalendarDefaults | None:
    """The calendar's defaults for the period ``code`` (``2026``, ``2026-H1``; None for a code
    that is neither, or a second half-year: H2 is the annual report's half)."""
    code = (code or "").strip()
    if len(code) == 4 and code.isdigit():
        year = int(code)
        return CalendarDefaults(
            code,
            datetime.date(year, *ANNUAL_DEADLINE),
            datetime.date(year, *FIGURES_AS_OF),
        )
    if len(code) == 7 and code[:4].isdigit() and code[4:] == "-H1":
        year = int(code[:4])
        return CalendarDefaults(
            code, datetime.date(year, *MIDYEAR_DEADLINE), datetime.date(year, 6, 30)
        )
    return None


def next_period_code(periods=None, today: datetime.date | None = None) -> str:
    """The period the secretariat most likely opens next: after the newest period, the next
    year's mid-year period (since 2024) or annual period; after a mid-year period, its year's
    annual period. With no period at all, this year's."""
    periods = list(ReportingPeriod.objects.all()) if periods is None else list(periods)
    existing = {p.code for p in periods}
    if not periods:
        year = (today or datetime.date.today()).year
        return f"{year}-H1" if year >= MIDYEAR_SINCE else str(year)
    newest = max(periods, key=lambda p: (p.end_date, p.start_date))
    year = int(newest.code[:4])
    if newest.code.endswith("-H1") and str(year) not in existing:
        return str(year)
    year += 1
    return f"{year}-H1" if year >= MIDYEAR_SINCE and f"{year}-H1" not in existing else str(year)
