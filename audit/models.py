"""The audit trail: what happened to existing rows, by whom, when, by which route.

At the ground of the layers: every service above writes here (``audit.services.event``), and
the trail names the rows it is about by foreign keys written as strings, so this app imports
none of the apps whose rows it records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mirps.i18n import readable_value
from mirps.vocabulary import ReviewState, Route


class ChangeEvent(models.Model):
    """The audit trail of what happens to existing rows: a submission (a status or an
    indicator value) superseded, approved or returned, a period opened, locked, unlocked or
    edited, a pillar, a plan or a commitment edited, an indicator linked to a commitment; with
    who, when, old and new value, route, and the row it is about (``status_update`` or
    ``indicator_value``, and the commitment, period, pillar, plan or indicator).

    A recorded status or value needs no event: its row is never changed in what it says (who,
    when, what before and after, route). Written by the service functions in the same
    transaction as the change itself; the indicators' own trail of earlier releases was moved
    here by migration ``audit.0003``.
    """

    class Action(models.TextChoices):
        RECORDED = "recorded", _("Status recorded")
        SUBMITTED = "submitted", _("Status submitted for review")
        APPROVED = "approved", _("Submission approved")
        RETURNED = "returned", _("Submission returned")
        SUPERSEDED = "superseded", _("Submission superseded")
        PERIOD_OPENED = "period_opened", _("Period opened")
        PERIOD_LOCKED = "period_locked", _("Period locked")
        PERIOD_UNLOCKED = "period_unlocked", _("Period unlocked")
        PERIOD_EDITED = "period_edited", _("Period dates changed")
        PILLAR_EDITED = "pillar_edited", _("Pillar edited")
        COMMITMENT_EDITED = "commitment_edited", _("Commitment edited")
        PERIOD_DEADLINES = "period_deadlines", _("Period deadlines set")
        PLAN_EDITED = "plan_edited", _("Plan's Spanish text edited")
        INDICATOR_LINKED = "indicator_linked", _("Indicator linked to a commitment")
        INDICATOR_UNLINKED = "indicator_unlinked", _("Indicator unlinked from a commitment")
        # The catalogue and the context figures, edited by the secretariat (the admin): one
        # event per field, old and new value; the row named by its foreign key where the trail
        # has one (plan, commitment), otherwise in the comment ("PRO: name_es").
        STATED_TOTAL_EDITED = "stated_total_edited", _("Plan's stated total edited")
        STATED_COUNT_EDITED = "stated_count_edited", _("Plan's stated count edited")
        FOCUS_AREA_EDITED = "focus_area_edited", _("Focus area edited")
        COUNTRY_EDITED = "country_edited", _("Country edited")
        INDICATOR_ADDED = "indicator_added", _("Indicator added")
        INDICATOR_EDITED = "indicator_edited", _("Indicator edited")
        LINK_EDITED = "link_edited", _("Indicator link's reason edited")
        FUNDING_LINE_ADDED = "funding_line_added", _("Funding line added")
        FUNDING_LINE_EDITED = "funding_line_edited", _("Funding line edited")
        FUNDING_LINE_DELETED = "funding_line_deleted", _("Funding line deleted")
        CONTRIBUTION_ADDED = "contribution_added", _("Contribution added")
        CONTRIBUTION_EDITED = "contribution_edited", _("Contribution edited")
        CONTRIBUTION_DELETED = "contribution_deleted", _("Contribution deleted")
        # issue 22: a new edition of a national plan (one event) and each of its commitments
        EDITION_LOADED = "edition_loaded", _("Plan edition loaded")
        COMMITMENT_ADDED = "commitment_added", _("Commitment added by a new edition")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    route = models.CharField(_("route"), max_length=12, choices=Route.choices)
    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("commitment"),
    )
    period = models.ForeignKey(
        "periods.ReportingPeriod",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("period"),
    )
    status_update = models.ForeignKey(
        "statuses.StatusUpdate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("status update"),
    )
    indicator_value = models.ForeignKey(
        "indicators.IndicatorValue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("indicator value"),
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("indicator"),
    )
    pillar = models.ForeignKey(
        "commitments.Pillar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("pillar"),
    )
    plan = models.ForeignKey(
        "commitments.NationalPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("plan"),
    )
    # Text, not a short string: a pillar's description or a classification's reason is kept
    # whole, so the trail says exactly what changed.
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        # the table it has had since it lived in ``commitments`` (rows are kept, never moved)
        db_table = "commitments_changeevent"
        ordering = ["-at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} "
            f"{self.old_display} → {self.new_display}"
        )

    def _readable(self, value: str) -> str:
        if self.action in (self.Action.PERIOD_LOCKED, self.Action.PERIOD_UNLOCKED):
            return readable_value(value, flags=LOCK_WORDS)
        if self.action in REVIEW_ACTIONS:  # statuses with their review state
            return readable_value(value, states=ReviewState)
        return value

    @property
    def old_display(self) -> str:
        """The old value as a reader reads it (``mirps.i18n.readable_value``)."""
        return self._readable(self.old_value)

    @property
    def new_display(self) -> str:
        return self._readable(self.new_value)


# What the trail stores for a period's lock, and the review states of the review events.
LOCK_WORDS = {"True": _("locked"), "False": _("unlocked")}


REVIEW_ACTIONS = {
    ChangeEvent.Action.SUBMITTED,
    ChangeEvent.Action.APPROVED,
    ChangeEvent.Action.RETURNED,
    ChangeEvent.Action.SUPERSEDED,
}
