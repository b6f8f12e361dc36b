"""Funding: what the commitments cost, what is funded and the gap, in US dollars.

A ``FundingLine`` is a requirement (per country, focus area or sector, optionally a commitment,
for a year); ``Contribution`` rows fund it, each from a kind of source (government, donor, fund,
or not stated). The gap is never stored: it is requirement − funded, computed in the query
(``FundingLineQuerySet.with_amounts``). A ``Quantification`` is a published exercise (the 2020
quantification of MIRPS commitments) with its stated totals, kept beside its lines so the
difference between the two stays visible. Money is ``DecimalField``, never float.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, FocusArea
from countries.models import Country
from mirps.i18n import active_language, localized
from mirps.numbers import format_amount
from mirps.vocabulary import Route, route_values, routes

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Value(Decimal("0"), output_field=DecimalField(**MONEY))
LABEL_NOT_LEGIBLE = _("label not legible in the source")


# the routes by which a funding figure arrives
FUNDING_ROUTES = routes(Route.SOURCE, Route.ADMIN, Route.WEB, Route.API)


class SourceKind(models.TextChoices):
    """Where the money comes from."""

    GOVERNMENT = "government", _("Government")
    DONOR = "donor", _("Donor")
    FUND = "fund", _("Fund")
    NOT_STATED = "not_stated", _("Not stated in the source")


class Quantification(models.Model):
    """A published quantification exercise with the totals it states.

    ``stated_funded`` is derived from the stated gap (requirement − gap) when the source states
    a gap rather than what is funded; the gap itself is computed from the two, like every gap.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    source_document = models.CharField(_("source document"), max_length=300)
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    source_section = models.CharField(_("page or section"), max_length=300, blank=True)
    source_quote = models.TextField(_("quoted totals"), blank=True)
    stated_requirement = models.DecimalField(_("stated total requirement (USD)"), **MONEY)
    stated_funded = models.DecimalField(
        _("stated total funded (USD)"),
        **MONEY,
        help_text=_("Derived as requirement − gap when the source states the gap."),
    )
    stated_requirement_as_written = models.CharField(_("requirement as printed"), max_length=40)
    stated_gap_as_written = models.CharField(_("gap as printed"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("quantification")
        verbose_name_plural = _("quantifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(stated_requirement__gte=0, stated_funded__gte=0),
                name="quantification_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def stated_gap(self) -> Decimal:
        return self.stated_requirement - self.stated_funded


class FundingLineQuerySet(models.QuerySet):
    def with_amounts(self) -> FundingLineQuerySet:
        """Annotate ``funded`` (the sum of the line's contributions, 0 if none) and ``gap``
        (requirement − funded). A subquery per line, so a list stays one query."""
        funded = (
            Contribution.objects.filter(line=OuterRef("pk"))
            .order_by()
            .values("line")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            funded=Coalesce(Subquery(funded, output_field=DecimalField(**MONEY)), ZERO)
        ).annotate(gap=F("requirement") - F("funded"))


class FundingLine(models.Model):
    """A funding requirement: for a country and/or a focus area (or a sector named by its label),
    optionally one commitment, in one year, in USD."""

    quantification = models.ForeignKey(
        Quantification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("quantification"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    year = models.PositiveSmallIntegerField(_("year"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name=_("country"),
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name=_("focus area"),
    )
    focus_area_note = models.CharField(_("why this focus area"), max_length=300, blank=True)
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name=_("commitment"),
    )
    label_en = models.CharField(_("sector (English)"), max_length=200, blank=True)
    label_es = models.CharField(_("sector (Spanish)"), max_length=200, blank=True)
    label_as_printed = models.CharField(_("label as printed"), max_length=200, blank=True)
    label_legible = models.BooleanField(
        _("label legible"),
        default=True,
        help_text=_("Untick when the source has lost the line's label: it is never guessed."),
    )
    label_completed = models.BooleanField(
        _("label completed by us"),
        default=False,
        help_text=_("The printed label is cut off; the completion is our reading."),
    )
    label_note = models.TextField(_("about the label"), blank=True)
    requirement = models.DecimalField(_("requirement (USD)"), **MONEY)
    requirement_as_written = models.CharField(
        _("requirement as printed"), max_length=40, blank=True
    )
    gap_as_written = models.CharField(_("gap as printed"), max_length=40, blank=True)
    source_document = models.CharField(_("source document"), max_length=300, blank=True)
    source_section = models.CharField(_("page or section"), max_length=300, blank=True)
    source_quote = models.TextField(_("quoted sentence"), blank=True)
    note = models.TextField(_("note"), blank=True)
    route = models.CharField(_("route"), max_length=10, choices=FUNDING_ROUTES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = FundingLineQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "quantification_id", "order", "id"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__gte=0), name="funding_line_requirement_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(route__in=route_values(FUNDING_ROUTES)), name="funding_line_known_route"
            ),
            # a legible line says what it is for: a label, a country, a focus area or a commitment
            models.CheckConstraint(
                condition=Q(label_legible=False)
                | ~Q(label_en="")
                | Q(country__isnull=False)
                | Q(focus_area__isnull=False)
                | Q(commitment__isnull=False),
                name="funding_line_says_what_for",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label} USD {format_amount(self.requirement)}"

    def clean(self):
        if self.commitment_id and self.country_id and self.commitment.country_id != self.country_id:
            raise ValidationError({"commitment": _("The commitment belongs to another country.")})

    @property
    def label(self) -> str:
        """The sector label in the active language, "label not legible in the source" where the
        source lost it, or what the line is for (commitment, focus area, country)."""
        if not self.label_legible:
            return str(LABEL_NOT_LEGIBLE)
        label = localized(self, "label")
        if label:
            return label
        parts = [self.commitment.code if self.commitment_id else ""]
        parts.append(self.focus_area.name if self.focus_area_id else "")
        return " · ".join(p for p in parts if p) or (self.country.name if self.country_id else "")

    @property
    def label_marked(self) -> str:
        """The label with our completion of a truncated print in brackets: "Social protecti[on]"
        (English); other languages keep their translation (the printed text is shown beside)."""
        if (
            self.label_completed
            and self.label_legible
            and active_language() == "en"
            and self.label_en.startswith(self.label_as_printed)
        ):
            return f"{self.label_as_printed}[{self.label_en[len(self.label_as_printed) :]}]"
        return self.label


class Contribution(models.Model):
    """Money toward a funding line, from one kind of source."""

    line = models.ForeignKey(
        FundingLine,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("funding line"),
    )
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (USD)"), **MONEY)
    derived = models.BooleanField(
        _("derived from the stated gap"),
        default=False,
        help_text=_("The source states the gap, not what is funded: amount = requirement − gap."),
    )
    note = models.TextField(_("note"), blank=True)
    route = models.CharField(_("route"), max_length=10, choices=FUNDING_ROUTES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["line", "source_kind", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="contribution_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="contribution_known_source"
            ),
            models.CheckConstraint(
                condition=Q(route__in=route_values(FUNDING_ROUTES)), name="contribution_known_route"
            ),
        ]

    def __str__(self) -> str:
        parts = [
            str(self.get_source_kind_display()),
            self.funder,
            f"USD {format_amount(self.amount)}",
        ]
        return " ".join(part for part in parts if part)
