"""The traffic-light statuses reported for commitments, period by period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from mirps.sql import Literal
from mirps.vocabulary import ReviewState, Route, route_values, routes
from periods.models import ReportingPeriod
from review.models import REVIEW_COMMENT_MAX_LENGTH, ReviewableQuerySet
from review.unpublished import guard_save


class Status(models.IntegerChoices):
    """The traffic-light scale of the 2017-2018 monitoring tool. Progress is value × 20 %."""

    NOT_STARTED = 0, _("Not started")
    STARTED = 1, _("Started and being implemented")
    IMPLEMENTING_40 = 2, _("Being implemented (40%)")
    IMPLEMENTING_60 = 3, _("Being implemented (60%)")
    IMPLEMENTING_80 = 4, _("Being implemented (80%)")
    COMPLETED = 5, _("Completed")

    @property
    def percent(self) -> int:
        return int(self.value) * 20

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[int(self.value)]

    @property
    def colour_name(self) -> str:
        return str(STATUS_COLOUR_NAMES[int(self.value)])


# The colours of the 2017-2018 report, beside the scale so no template invents its own.
STATUS_COLOURS = {
    5: "#1b5e20",  # dark green
    4: "#7cb342",  # light green
    3: "#f57c00",  # orange
    2: "#fdd835",  # yellow
    1: "#fff3c4",  # cream
    0: "#c62828",  # red
}


STATUS_COLOUR_NAMES = {
    5: _("dark green"),
    4: _("light green"),
    3: _("orange"),
    2: _("yellow"),
    1: _("cream"),
    0: _("red"),
}


NOT_REPORTED_LABEL = _("Not reported")


NOT_REPORTED_COLOUR = "#e0e0e0"


def status_legend() -> list[dict]:
    """The traffic-light levels, highest first, with colour, number and label."""
    levels = [
        {
            "key": str(int(s)),
            "number": int(s),
            "label": s.label,
            # shown beside the label unless the label already says it ("… (60%)")
            "percent": None if "%" in str(s.label) else int(s) * 20,
            "colour": STATUS_COLOURS[int(s)],
            "colour_name": STATUS_COLOUR_NAMES[int(s)],
            "dark": int(s) in (5, 0),  # white text only where it has the contrast
        }
        for s in reversed(Status)
    ]
    levels.append(
        {
            "key": "not_reported",
            "number": None,
            "label": NOT_REPORTED_LABEL,
            "percent": None,
            "colour": NOT_REPORTED_COLOUR,
            "colour_name": "",
            "dark": False,
        }
    )
    return levels


# the condition of the partial index ``status_update_approved_newest``, as that index writes it
APPROVED = Q(review_state=Literal(ReviewState.APPROVED.value))


# the routes by which a status arrives (never loaded from a published source)
STATUS_ROUTES = routes(Route.WEB, Route.SPREADSHEET, Route.API, Route.ADMIN, Route.DEMO)


class StatusUpdateQuerySet(ReviewableQuerySet):
    COUNTRY = "commitment__country_id"

    def counted(self) -> StatusUpdateQuerySet:
        """The updates that count in public figures: approved ones only (in the words of the
        partial index ``status_update_approved_newest``, so SQLite reads it alone)."""
        return self.filter(APPROVED)

    def as_of(self, period: ReportingPeriod | None) -> StatusUpdateQuerySet:
        """Updates reported in ``period`` or in any period that ended no later than it."""
        if period is None:
            return self
        return self.filter(period__end_date__lte=period.end_date)


class StatusUpdate(models.Model):
    """A traffic-light status reported for one commitment in one period.

    Rows are never overwritten: a new report is a new row, and "the status as of P" is the
    latest *approved* row in P or before (by period end, then by when it was recorded).
    Secretariat staff's rows are approved as they are saved; national teams' rows are
    submitted and count only once the secretariat approves them.
    """

    LATEST_FIRST = ("-period__end_date", "-period__start_date", "-created_at", "-id")
    # A narrative is a paragraph or a page, never a document: the evidence goes in a file.
    NARRATIVE_MAX_LENGTH = 5000

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("commitment"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("period"),
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    narrative = models.TextField(_("narrative"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence file"), blank=True, upload_to="evidence/%Y/%m/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=STATUS_ROUTES)
    # The row of the same commitment and period this one replaced (what its author saw).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces"),
    )
    # The status shown for this commitment as of this period when this row was recorded
    # (approved figures; None: not reported): the "old" of "old → new".
    status_before = models.PositiveSmallIntegerField(
        _("status before"), null=True, blank=True, choices=Status.choices
    )
    review_state = models.CharField(
        _("review state"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.APPROVED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(
        _("review comment"), blank=True, max_length=REVIEW_COMMENT_MAX_LENGTH
    )
    # Recorded after the period's submission deadline (set by record_many; accepted anyway).
    late = models.BooleanField(_("late"), default=False)

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        # the table it has had since it lived in ``commitments`` (rows are kept, never moved)
        db_table = "commitments_statusupdate"
        ordering = ["commitment", "period__end_date", "created_at", "id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        permissions = [("review_statusupdate", _("Can review submitted statuses"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__gte=0, status__lte=5), name="status_update_status_0_to_5"
            ),
            models.CheckConstraint(
                condition=Q(source__in=route_values(STATUS_ROUTES)),
                name="status_update_known_source",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values),
                name="status_update_known_review_state",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "period"]),
            # What "the status as of a period" reads (commitments/selectors.py): approved rows
            # only, in the order the newest is chosen within a period, with the status, so the
            # database answers from the index without visiting the table.
            models.Index(
                fields=["commitment", "period", "-created_at", "-id", "status"],
                condition=Q(review_state="approved"),
                name="status_update_approved_newest",
            ),
            # Whether any synthetic demo row exists (the banner), answered from the index.
            models.Index(fields=["id"], condition=Q(source="demo"), name="status_update_demo_rows"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} {self.period.code}: {self.status}"

    def save(self, *args, **kwargs):
        guard_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def counts(self) -> bool:
        return self.review_state == ReviewState.APPROVED
