"""Country indicators: what happened to people, beside the commitments' traffic lights.

A small catalogue (``Indicator``) of figures such as persons recognised as refugees or work
permits granted, and their values per country and period (``IndicatorValue``), each with its
source (document, section or page, the quoted sentence) and a review state. Values are never
overwritten: a new figure is a new row; what happens to a row afterwards (superseded, approved,
returned) is in the audit trail (``audit.ChangeEvent``). Only approved values are public, one
per *slot* (indicator, country, period start and end): approving a correction supersedes the
value it replaces.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, FocusArea, Pillar
from countries.models import Country
from mirps.i18n import active_language, localized
from mirps.vocabulary import ReviewState, Route, route_values, routes
from review.models import REVIEW_COMMENT_MAX_LENGTH, ReviewableQuerySet
from review.unpublished import guard_save


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    APPLICATIONS = "applications", _("applications")
    PERMITS = "permits", _("permits")
    # the units of the further figures of the 2024 annual report (issue 22)
    CASES = "cases", _("cases")
    DOCUMENTS = "documents", _("documents")
    INTERVIEWS = "interviews", _("interviews")
    INTERVIEWS_PER_WEEK = "interviews_per_week", _("interviews per week")
    MONTHS = "months", _("months")
    PERCENT = "percent", _("percent")
    SESSIONS = "sessions", _("sessions")
    EVENTS = "events", _("events")
    SERVICES = "services", _("services")
    ITEMS = "items", _("items")
    FACILITIES = "facilities", _("facilities")
    VACANCIES = "vacancies", _("vacancies")
    ORGANISATIONS = "organisations", _("organisations")
    AGREEMENTS = "agreements", _("agreements")
    LOCAL_GOVERNMENTS = "local_governments", _("local governments")
    CITIES = "cities", _("cities")
    STATES = "states", _("states")
    BODIES = "bodies", _("coordination bodies")


class Indicator(models.Model):
    """An indicator of the catalogue: what it counts, and which focus area and pillar it informs.

    ``higher_is_better`` is None for context figures (a population, a number of claims) where
    more is neither good nor bad; trends of those are shown without a judgement.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    definition_en = models.TextField(_("definition (English)"))
    definition_es = models.TextField(_("definition (Spanish)"))
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("focus area")
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("pillar")
    )
    pillar_rationale = models.CharField(_("why this pillar"), max_length=300, blank=True)
    higher_is_better = models.BooleanField(
        _("higher is better"),
        null=True,
        blank=True,
        help_text=_("Empty for context figures, where more is neither better nor worse."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"), name="indicator_code_format"
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="indicator_known_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def definition(self) -> str:
        return localized(self, "definition")


# the routes by which an indicator value arrives
INDICATOR_ROUTES = routes(Route.SOURCE, Route.WEB, Route.SPREADSHEET, Route.API, Route.ADMIN)


class Qualifier(models.TextChoices):
    """How exact the source says the figure is ("more than 31,000", "approximately 171")."""

    EXACT = "", _("exact")
    APPROXIMATELY = "approximately", _("approximately")
    MORE_THAN = "more_than", _("more than")


class IndicatorValueQuerySet(ReviewableQuerySet):
    COUNTRY = "country_id"

    def in_slot(self, *, indicator_id, country_id, period_start, period_end):
        # filter(x=None) is IS NULL, so an open-ended period is a slot like any other
        return self.filter(
            indicator_id=indicator_id,
            country_id=country_id,
            period_start=period_start,
            period_end=period_end,
        )

    def chronological(self) -> IndicatorValueQuerySet:
        """Oldest first, by when the period ends (or starts, when its end is not stated)."""
        return self.annotate(_when=Coalesce("period_end", "period_start")).order_by(
            "indicator__order", "indicator__code", "country__iso3", "_when", "period_start", "id"
        )


class IndicatorValue(models.Model):
    """One figure for one indicator, country and period, with its source and review state.

    The period is kept as the source states it: ``period_start``/``period_end`` (either may be
    empty when the source gives only one end: "so far in 2024", "until September 2024"; equal
    for a figure at a date) and the wording in both languages.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="indicator_values",
        verbose_name=_("country"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=15, choices=Qualifier.choices, blank=True, default=""
    )
    value_as_written = models.CharField(_("as written in the source"), max_length=50, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    period_label_en = models.CharField(_("period as stated (English)"), max_length=120, blank=True)
    period_label_es = models.CharField(_("period as stated (Spanish)"), max_length=120, blank=True)
    period_note = models.TextField(_("how the period was read"), blank=True)
    period_quote = models.TextField(_("where the period is stated"), blank=True)
    source_document = models.CharField(_("source document"), max_length=300)
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    source_section = models.CharField(_("page or section"), max_length=300, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_quote = models.TextField(_("quoted sentence"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    route = models.CharField(_("route"), max_length=12, choices=INDICATOR_ROUTES)
    # The newest row of the same slot when this one was recorded (what its author saw).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces"),
    )
    review_state = models.CharField(
        _("review state"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
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

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__order", "country__iso3", "period_end", "created_at", "id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        permissions = [("review_indicatorvalue", _("Can review submitted indicator values"))]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=False) | Q(period_end__isnull=False),
                name="indicator_value_has_a_period",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="indicator_value_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values), name="indicator_value_known_qualifier"
            ),
            models.CheckConstraint(
                condition=Q(route__in=route_values(INDICATOR_ROUTES)),
                name="indicator_value_known_route",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values),
                name="indicator_value_known_review_state",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "country", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.country.iso3} {self.period_display}: {self.value}"

    def save(self, *args, **kwargs):
        guard_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def counts(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    @property
    def sort_date(self) -> dt.date:
        return self.period_end or self.period_start

    @property
    def period_display(self) -> str:
        """The period as the source states it, or written from the dates."""
        label = localized(self, "period_label")
        return label or period_from_dates(self.period_start, self.period_end)


# Dates written out as the reports write them: "30 September 2024", "30 de septiembre de 2024".
LONG_DATE = {"en": "j F Y", "es": r"j \d\e F \d\e Y"}


def period_from_dates(start: dt.date | None, end: dt.date | None) -> str:
    """ "1 January 2024 – 30 September 2024", "as of 30 September 2024", "until …", "from …"."""
    fmt = LONG_DATE[active_language()]
    if start and end:
        if start == end:
            return str(_("as of %(date)s") % {"date": date_format(end, fmt)})
        return f"{date_format(start, fmt)} – {date_format(end, fmt)}"
    if end:
        return str(_("until %(date)s") % {"date": date_format(end, fmt)})
    if start:
        return str(_("from %(date)s") % {"date": date_format(start, fmt)})
    return ""


class CommitmentIndicator(models.Model):
    """A commitment and an indicator that evidences it (our reading, with the reason)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="indicator_links",
        verbose_name=_("commitment"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="commitment_links",
        verbose_name=_("indicator"),
    )
    rationale = models.CharField(_("why this indicator"), max_length=300, blank=True)

    class Meta:
        ordering = ["commitment__code", "indicator__order", "indicator__code"]
        verbose_name = _("commitment indicator")
        verbose_name_plural = _("commitment indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "indicator"], name="commitment_indicator_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} ↔ {self.indicator.code}"
