"""Reporting periods: their kinds, order, deadlines and locks."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    MIDYEAR = "midyear", _("Mid-year")


# The chronological order of periods: by end, then start (2024 before 2024-H2: both end on
# 31 December, 2024 starts earlier), then code (never needed by real periods; makes it total).
CHRONOLOGICAL = ("end_date", "start_date", "code")


def chronological_key(period) -> tuple:
    """``CHRONOLOGICAL`` as a sort key, for the lists of periods a caller already holds."""
    return tuple(getattr(period, field) for field in CHRONOLOGICAL)


def chronological(periods) -> list[ReportingPeriod]:
    """``periods`` (any iterable) oldest first, in ``CHRONOLOGICAL`` order. No query."""
    return sorted(periods, key=chronological_key)


class ReportingPeriodQuerySet(models.QuerySet):
    def chronological(self) -> ReportingPeriodQuerySet:
        return self.order_by(*CHRONOLOGICAL)

    def open_period(self) -> ReportingPeriod | None:
        """The open period (``open_period_among``'s rule). One query."""
        return open_period_among(self.filter(locked=False))

    def working_period(self) -> ReportingPeriod | None:
        """``working_period_among`` over every period. One query."""
        return working_period_among(self.all())


def open_period_among(periods) -> ReportingPeriod | None:
    """**The open period**: the newest unlocked period (latest end, then latest start), the one
    teams are reporting in; None when every period is locked. Its figures are *in progress*:
    the trend, the report and the PDF say so rather than read its few updates as a fall.

    No query: ``periods`` is a list the caller holds (``ReportingPeriod.objects.open_period()``
    is the same rule over every period, one query).
    """
    unlocked = [p for p in periods if not p.locked]
    return max(unlocked, key=chronological_key, default=None)


def working_period_among(periods) -> ReportingPeriod | None:
    """The period the workspace shows when none is asked for: the open period
    (``open_period_among``), else, when every period is locked, the newest one (None: no
    period at all). No query."""
    periods = list(periods)
    return open_period_among(periods) or max(periods, key=chronological_key, default=None)


def previous_among(periods, period: ReportingPeriod) -> ReportingPeriod | None:
    """**The period before** ``period``: among ``periods``, the latest one that *ended before*
    ``period`` ended (strictly: a period ending the same day is never the one before, so
    2024-H2's previous period is 2024-H1, not 2024). None when none ended before it.

    Tie-break, when several ended on that same latest day (2023 and 2023-H2 before 2024-H1):
    the one that started latest (2023-H2), then the highest code, i.e. the last of them in
    chronological order (``CHRONOLOGICAL``). The statuses as of either are the same (the status
    as of a period counts every period that ended by its end), so only the name shown differs.

    The one home of the rule: the spreadsheet template's "status as of" column, the dashboards'
    trend and "what moved", stale marks and the PDF all ask this (or ``ReportingPeriod.previous``,
    the same over every period). No query: ``periods`` is what the caller holds.
    """
    earlier = [p for p in periods if p.end_date < period.end_date]
    return max(earlier, key=chronological_key, default=None)


class ReportingPeriod(models.Model):
    """A reporting period: ``2024`` (annual) or ``2024-H1`` (mid-year, since 2024)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("A locked period refuses any change.")
    )
    # The reporting calendar, set by the secretariat when it opens the period (None: not set,
    # and then nobody is reminded). Statuses recorded after the submission deadline are still
    # accepted, and marked late.
    submission_deadline = models.DateField(
        _("submission deadline"),
        null=True,
        blank=True,
        help_text=_("Last day for national teams to submit their statuses."),
    )
    review_deadline = models.DateField(
        _("review deadline"),
        null=True,
        blank=True,
        help_text=_("Optional: last day for the secretariat to review the submissions."),
    )
    # The day the national reports' figures are as of (the 2024 annual report: 30 September);
    # information for readers, set when the period is opened (periods/calendar.py).
    figures_as_of = models.DateField(
        _("figures as of"),
        null=True,
        blank=True,
        help_text=_("The day the national reports' figures are as of."),
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        # the table it has had since it lived in ``commitments`` (rows are kept, never moved)
        db_table = "commitments_reportingperiod"
        ordering = ["end_date", "start_date"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="annual", code__regex=r"^[0-9]{4}$")
                | Q(kind="midyear", code__regex=r"^[0-9]{4}-H[12]$"),
                name="period_code_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(submission_deadline__isnull=True)
                | Q(submission_deadline__gte=models.F("start_date")),
                name="period_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(review_deadline__isnull=True)
                | Q(
                    submission_deadline__isnull=False,
                    review_deadline__gte=models.F("submission_deadline"),
                ),
                name="period_review_after_submission_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def previous(self) -> ReportingPeriod | None:
        """The period before this one (``previous_among``'s rule over every period). One query."""
        return previous_among(ReportingPeriod.objects.filter(end_date__lt=self.end_date), self)

    def days_left(self, today: date | None = None) -> int | None:
        """Days from ``today`` to the submission deadline (0 on the day, negative after it;
        None when no deadline is set)."""
        if self.submission_deadline is None:
            return None
        return (self.submission_deadline - (today or timezone.localdate())).days

    def is_late(self, when=None) -> bool:
        """Whether a status recorded at ``when`` (a datetime; now if None) is late: on a day
        after the submission deadline."""
        if self.submission_deadline is None:
            return False
        return timezone.localdate(when) > self.submission_deadline
