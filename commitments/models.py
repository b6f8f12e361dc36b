"""The catalogue: the pillars and focus areas every plan shares, the national plans, their
commitments, and the stated counts printed beside them.

Domain rules live here, in the schema where they can (check and unique constraints) and in
QuerySet methods (``Commitment.objects.search``). Statuses are above the catalogue
(``statuses``): nothing here knows of them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from mirps.i18n import active_language, localized


@dataclass(frozen=True)
class LocalizedText:
    """A text printed in English with our Spanish working translation beside it.

    The rule of the whole product: the English text is the plan as printed and never changes;
    every Spanish text of a plan, a commitment or a pillar reason is a *working translation*
    made by us (``fixtures/apply_review.py``, or the secretariat in the workspace), shown as such
    wherever it appears. ``lead`` is the text in the reader's language, ``other`` the one shown
    beside it; ``lead_is_translation`` says which of them carries the mark.
    """

    en: str
    es: str
    # Which one is the original ("es": an edition written in Spanish, where ``en`` is our
    # translation or empty); the 2021 plans are printed in English.
    original: str = "en"

    @property
    def reader_reads_spanish(self) -> bool:
        if not self.en:
            return True
        return active_language() == "es" and bool(self.es)

    @property
    def lead(self) -> str:
        return self.es if self.reader_reads_spanish else self.en

    @property
    def lead_language(self) -> str:
        return "es" if self.reader_reads_spanish else "en"

    @property
    def lead_is_translation(self) -> bool:
        return self.lead_language != self.original

    @property
    def other(self) -> str:
        """The text shown beside the lead ('' when there is no translation)."""
        if not self.es or not self.en:
            return ""
        return self.en if self.reader_reads_spanish else self.es

    @property
    def other_language(self) -> str:
        return "en" if self.reader_reads_spanish else "es"


def fold(value: str | None) -> str:
    """Text as search compares it: lower case, without accents ("MIGRACIÓN" → "migracion").

    The SQLite twin of PostgreSQL's ``unaccent`` + ``lower``: registered on every SQLite
    connection as ``mirps_fold`` (commitments/apps.py) so ``CommitmentQuerySet.search`` finds
    the same rows on both databases.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search_words(q: str | None) -> list[str]:
    """The words of a search, folded: letters and digits only, at most 12 of them."""
    return re.findall(r"[^\W_]+", fold(q))[:12]


def fold_words(value: str | None) -> str:
    """``value`` folded, every word preceded by one space: what SQLite searches in."""
    return "".join(f" {w}" for w in re.findall(r"[^\W_]+", fold(value)))


# The language a plan's text was written in (Commitment.original_language and every door that
# loads an edition: one choice set, one enum in the API schema)
ORIGINAL_LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]

# The PostgreSQL text search configuration of CommitmentQuerySet.search (migration 0009).
SEARCH_CONFIG = "mirps_unaccent"


class FocusAreaCode(models.TextChoices):
    PROTECTION = "PRO", _("Protection")
    JOBS = "JOB", _("Jobs and livelihoods")
    SOCIAL = "SOC", _("Social protection")
    EDUCATION = "EDU", _("Education")
    HEALTH = "HEA", _("Health")


class Pillar(models.Model):
    """One of the four objectives every national plan shares."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4), name="pillar_number_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class FocusArea(models.Model):
    """One of the five sectors under which the plans list their commitments."""

    code = models.CharField(_("code"), max_length=3, unique=True, choices=FocusAreaCode.choices)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=FocusAreaCode.values), name="focus_area_known_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


def edition_first_day(edition: str) -> datetime.date:
    """The day an edition loaded without a start date comes into force: 1 January of the first
    year its name gives ("2021" → 2021-01-01, "2024-2026" → 2024-01-01; 2021 if none), the
    rule migration 0014 gave the plans that existed before editions had a start."""
    match = re.search(r"(19|20)[0-9]{2}", edition or "")
    return datetime.date(int(match.group(0)) if match else 2021, 1, 1)


class NationalPlanQuerySet(models.QuerySet):
    """Editions of the national plans: a country has a sequence of them, each in force from its
    ``starts_on`` until the next one of the same country starts."""

    def in_force(self, on) -> NationalPlanQuerySet:
        """For every country, the edition in force on the date ``on``: the one that started
        latest on or before it (no row for a country none of whose editions has started). One
        query, the same on PostgreSQL and SQLite. ``on`` may also be an ``OuterRef`` to a date
        of the rows of an outer query (each status row's period end: ``statuses.review``)."""
        deeper = OuterRef(on) if isinstance(on, OuterRef) else on  # seen from ``later``
        later = NationalPlan.objects.filter(
            country=OuterRef("country"), starts_on__gt=OuterRef("starts_on"), starts_on__lte=deeper
        )
        return self.filter(starts_on__lte=on).exclude(Exists(later))

    def previous_of(self, plan: NationalPlan) -> NationalPlan | None:
        """The edition of ``plan``'s country in force the day before ``plan`` starts."""
        return (
            self.filter(country_id=plan.country_id, starts_on__lt=plan.starts_on)
            .order_by("-starts_on")
            .first()
        )

    def latest_of(self, country) -> NationalPlan | None:
        """The newest edition of ``country`` (the one a new edition follows)."""
        return self.filter(country=country).order_by("-starts_on").first()


class NationalPlan(models.Model):
    """A country's national action plan in one edition (e.g. the 2021 plans, Belize's
    2024-2026 plan): in force from ``starts_on`` until the country's next edition starts. Its
    commitments stay its own when a later edition comes: nothing of a closed edition is
    rewritten (see ``CommitmentLink`` for how the next edition's commitments continue them)."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="plans", verbose_name=_("country")
    )
    edition = models.CharField(_("edition"), max_length=20, help_text=_("e.g. 2021, 2024-2026"))
    starts_on = models.DateField(
        _("in force from"),
        help_text=_("The first day of this edition; it ends when the next edition starts."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    stated_total = models.PositiveIntegerField(
        _("stated total"), null=True, blank=True, help_text=_("Total commitments as printed")
    )
    # When the secretariat last edited the Spanish title or summary by hand (None: as loaded
    # from the fixtures). load_plans never overwrites a translation edited here.
    translation_edited_at = models.DateTimeField(
        _("Spanish text edited by hand at"), null=True, blank=True
    )

    objects = NationalPlanQuerySet.as_manager()

    class Meta:
        ordering = ["country__name_en", "starts_on"]
        verbose_name = _("national plan")
        verbose_name_plural = _("national plans")
        constraints = [
            models.UniqueConstraint(fields=["country", "edition"], name="plan_country_edition"),
            models.UniqueConstraint(fields=["country", "starts_on"], name="plan_country_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.edition}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def title_texts(self) -> LocalizedText:
        """The title in the reader's language first (see ``LocalizedText``)."""
        return LocalizedText(self.title_en, self.title_es)

    @property
    def summary_texts(self) -> LocalizedText:
        return LocalizedText(self.summary_en, self.summary_es)


class StatedCount(models.Model):
    """The number of commitments a plan states for a focus area, as printed in the source."""

    plan = models.ForeignKey(
        NationalPlan,
        on_delete=models.CASCADE,
        related_name="stated_counts",
        verbose_name=_("plan"),
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, verbose_name=_("focus area")
    )
    stated = models.PositiveIntegerField(_("stated count"))

    class Meta:
        ordering = ["plan", "focus_area__order"]
        verbose_name = _("stated count")
        verbose_name_plural = _("stated counts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "focus_area"], name="stated_plan_focus_area")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.focus_area.code}: {self.stated}"


class CommitmentQuerySet(models.QuerySet):
    """Reads of the catalogue (a commitment's status is read through ``statuses.selectors``:
    ``with_status`` and its kin take a Commitment queryset)."""

    def in_force(self, on) -> CommitmentQuerySet:
        """The commitments of the edition in force on the date ``on`` in each country
        (``NationalPlan.objects.in_force``): what a period ending on ``on`` counts."""
        return self.filter(plan__in=NationalPlan.objects.in_force(on))

    def not_in_force(self, on) -> CommitmentQuerySet:
        """The others: commitments of an edition replaced by ``on`` or not started yet (what
        recording refuses for a period ending on ``on``)."""
        return self.exclude(plan__in=NationalPlan.objects.in_force(on))

    def of_edition(self, edition: str) -> CommitmentQuerySet:
        """The commitments of every country's edition named ``edition`` (e.g. "2021")."""
        return self.filter(plan__edition=edition)

    def closed(self) -> CommitmentQuerySet:
        """Commitments of an edition that a later edition of their country replaced, which no
        commitment of that later edition continues: they closed with their edition and keep
        their last status."""
        later = NationalPlan.objects.filter(
            country=OuterRef("country"), starts_on__gt=OuterRef("plan__starts_on")
        )
        return self.filter(Exists(later), successor_links__isnull=True)

    def search(self, q: str) -> CommitmentQuerySet:
        """The commitments whose code, printed text or Spanish text hold every word of ``q``,
        whatever the case and accents ("migracion" finds "Migración", "ASILO" finds "asilo").

        A word matches the start of a word of the text ("migra" finds "migratorio"); a code
        ("GTM-PRO-01", "gtm pro 1" is not one) matches as written. PostgreSQL: full-text search
        with the ``mirps_unaccent`` configuration (``simple`` words through ``unaccent``,
        created by migration 0009), prefix queries. SQLite: the same words looked for at a word
        start in the folded text (``fold``, registered as ``mirps_fold``).
        """
        words = search_words(q)
        if not words:
            return self
        code = Q(code__icontains=(q or "").strip())
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("code", "text", "text_es", config=SEARCH_CONFIG)
            # the words are letters and digits only (search_words), so the raw query is safe
            query = SearchQuery(
                " & ".join(f"{w}:*" for w in words), search_type="raw", config=SEARCH_CONFIG
            )
            return self.annotate(search_document=vector).filter(code | Q(search_document=query))
        folded = Func(
            Concat(
                "code", Value(" "), "text", Value(" "), "text_es", output_field=models.TextField()
            ),
            function="mirps_fold",
            output_field=models.TextField(),
        )
        matches = Q()
        for word in words:
            # mirps_fold puts a space before every word: " migra" is found at a word's start
            matches &= Q(search_folded__contains=f" {word}")
        return self.annotate(search_folded=folded).filter(code | matches)


class Commitment(models.Model):
    """One line of a national action plan: one country, one focus area, one pillar."""

    TEXT_ES_MAX_LENGTH = 2000

    # unique across editions: a later edition's codes name it (BLZ24-PRO-01)
    code = models.CharField(_("code"), max_length=16, unique=True)
    plan = models.ForeignKey(
        NationalPlan,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("plan"),
    )
    # The country is the plan's; it is kept here too because every filter and grouping uses
    # it, and load_plans and the admin keep the two equal (checked by a test).
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("country")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("focus area"),
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("pillar")
    )
    pillar_rationale = models.CharField(_("why this pillar (English)"), max_length=300, blank=True)
    pillar_rationale_es = models.CharField(
        _("why this pillar (Spanish)"), max_length=300, blank=True
    )
    text = models.TextField(_("text as printed"))
    # A working translation (LocalizedText): ours, never the plan's, and marked as such.
    text_es = models.TextField(_("Spanish text (working translation)"), blank=True)
    # When the secretariat last changed the Spanish text, or the pillar and its reason, by hand
    # (None: as loaded from the fixtures). load_plans never overwrites what was edited here.
    translation_edited_at = models.DateTimeField(
        _("Spanish text edited by hand at"), null=True, blank=True
    )
    classification_edited_at = models.DateTimeField(
        _("pillar edited by hand at"), null=True, blank=True
    )
    order = models.PositiveIntegerField(_("order in the plan"), default=0)
    # Which of the two texts is the plan's own: "en" (the 2021 plans, printed in English; the
    # Spanish is our working translation) or "es" (an edition written in Spanish: ``text_es``
    # is the original, ``text`` an English translation or empty).
    original_language = models.CharField(
        _("language of the original text"),
        max_length=2,
        choices=ORIGINAL_LANGUAGES,
        default="en",
    )
    responsible_institution = models.CharField(
        _("responsible institution"),
        max_length=300,
        blank=True,
        help_text=_("The institution the plan names as responsible, where it names one."),
    )
    predecessors = models.ManyToManyField(
        "self",
        through="CommitmentLink",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name=_("replaces"),
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["country__iso3", "order"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3}[0-9]{0,4}-(PRO|JOB|SOC|EDU|HEA)-[0-9]{2,}$"),
                name="commitment_code_format_editions",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "pillar"]),
            models.Index(fields=["focus_area"]),
            # the data-quality line counts commitments per plan and focus area from it alone
            models.Index(fields=["plan", "focus_area"], name="commitment_plan_focus_area"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def localized_text(self) -> str:
        return self.texts.lead

    @property
    def texts(self) -> LocalizedText:
        """The printed text and its Spanish working translation, the reader's language first."""
        return LocalizedText(self.text, self.text_es, self.original_language)

    @property
    def localized_rationale(self) -> str:
        """Why this pillar, in the reader's language (the other one when it is missing)."""
        if active_language() == "es" and self.pillar_rationale_es:
            return self.pillar_rationale_es
        return self.pillar_rationale or self.pillar_rationale_es


class LineageKind(models.TextChoices):
    """How a commitment of a new edition relates to the previous edition's (derived from the
    links, never stored: ``lineage_kind``)."""

    CONTINUED = "continued", _("Continued")
    REWORDED = "reworded", _("Reworded")
    SPLIT = "split", _("Split")
    MERGED = "merged", _("Merged")
    NEW = "new", _("New")


def lineage_kind(*, predecessors: int, siblings: int, same_text: bool | None = None) -> LineageKind:
    """The kind of a successor with ``predecessors`` predecessors, whose (single) predecessor
    has ``siblings`` successors in all: new (none), merged (several predecessors), split (its
    predecessor has several successors), else continued, or reworded when its text changed."""
    if predecessors == 0:
        return LineageKind.NEW
    if predecessors > 1:
        return LineageKind.MERGED
    if siblings > 1:
        return LineageKind.SPLIT
    return LineageKind.CONTINUED if same_text in (None, True) else LineageKind.REWORDED


class CommitmentLinkQuerySet(models.QuerySet):
    def one_to_one(self) -> CommitmentLinkQuerySet:
        """The links of a commitment continued or reworded (``LineageKind.CONTINUED`` or
        ``REWORDED``): its predecessor has no other successor and it has no other
        predecessor. Only these carry a status from one edition to the next (a split or merged
        successor starts as not reported): ``statuses.as_of.carry_chain_sql`` and
        ``statuses.selectors.carried_as_of`` read them."""
        others = CommitmentLink.objects.exclude(pk=OuterRef("pk"))
        return self.exclude(Exists(others.filter(predecessor=OuterRef("predecessor")))).exclude(
            Exists(others.filter(successor=OuterRef("successor")))
        )


class CommitmentLink(models.Model):
    """One thread of a commitment's history across editions: ``successor`` (of a new edition)
    continues ``predecessor`` (of the previous edition of the same country). One link: continued
    or reworded; one predecessor with several: split; several predecessors of one: merged."""

    predecessor = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="successor_links",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )

    objects = CommitmentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["successor__code", "predecessor__code"]
        verbose_name = _("commitment lineage")
        verbose_name_plural = _("commitment lineage")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="lineage_once"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"
