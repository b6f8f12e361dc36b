"""The commitments of the national action plans and their traffic-light statuses.

Domain rules live here, in the schema where they can (check and unique constraints) and in
QuerySet methods for the reads every other part shares (``Commitment.objects.with_status``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, Expression, F, FilteredRelation, Func, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from mirps.i18n import active_language, localized


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

    @property
    def reader_reads_spanish(self) -> bool:
        return active_language() == "es" and bool(self.es)

    @property
    def lead(self) -> str:
        return self.es if self.reader_reads_spanish else self.en

    @property
    def lead_language(self) -> str:
        return "es" if self.reader_reads_spanish else "en"

    @property
    def lead_is_translation(self) -> bool:
        return self.reader_reads_spanish

    @property
    def other(self) -> str:
        """The text shown beside the lead ('' when there is no translation)."""
        if not self.es:
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


class NationalPlan(models.Model):
    """A country's national action plan in one edition (e.g. the 2021 plans)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="plans")
    edition = models.CharField(_("edition"), max_length=20, help_text=_("e.g. 2021, 2024-2026"))
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

    class Meta:
        ordering = ["country__name_en", "edition"]
        verbose_name = _("national plan")
        verbose_name_plural = _("national plans")
        constraints = [
            models.UniqueConstraint(fields=["country", "edition"], name="plan_country_edition")
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

    plan = models.ForeignKey(NationalPlan, on_delete=models.CASCADE, related_name="stated_counts")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT)
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
    # The rule itself ("the newest approved row in the period or before") is stated once, in
    # commitments/selectors.py; these annotations use its correlated form, one subquery per
    # commitment for the newest row's id and a join on that id for its columns, which suits
    # pages of commitments (the progress engine reads the set form instead).

    def with_status(self, period: ReportingPeriod | None = None) -> CommitmentQuerySet:
        """Annotate each commitment with its status as of ``period`` (latest if None).

        Adds ``current_status`` (0-5 or None for not reported), ``current_period`` (code of the
        period the status belongs to), ``current_narrative`` and ``current_source``: the
        columns of one row, found once per commitment (``selectors.newest_subquery``) and
        joined, so the whole list stays one query whatever its length.
        """
        from .selectors import newest_subquery

        newest = Subquery(newest_subquery(period).values("id")[:1])
        return self.annotate(
            shown_update=FilteredRelation("updates", condition=Q(updates__id=newest)),
            current_status=F("shown_update__status"),
            current_period=F("shown_update__period__code"),
            current_narrative=F("shown_update__narrative"),
            current_source=F("shown_update__source"),
        )

    def with_current_status(self, period: ReportingPeriod | None = None) -> CommitmentQuerySet:
        """Only the status column of ``with_status`` (one subquery, no join)."""
        from .selectors import newest_subquery

        return self.annotate(current_status=Subquery(newest_subquery(period).values("status")[:1]))

    def with_workspace_state(self, period: ReportingPeriod) -> CommitmentQuerySet:
        """Annotate what the workspace needs for editing ``period`` (beside ``with_status``).

        ``version``: id of the newest row for this commitment *in* ``period`` (any review state;
        0 if none), which an edit form sends back so a concurrent change is detected;
        ``latest_state``/``latest_status``/``latest_by``: that row's review state, status and
        author; ``pending_status``: the status awaiting review in ``period``, if any (a
        submission is always the newest row of its period: recording a new row supersedes it).
        """
        from .selectors import newest_subquery

        newest = Subquery(newest_subquery(period, in_period=True).values("id")[:1])
        return self.annotate(
            edited_update=FilteredRelation("updates", condition=Q(updates__id=newest)),
            version=Coalesce(F("edited_update__id"), 0),
            latest_state=F("edited_update__review_state"),
            latest_status=F("edited_update__status"),
            latest_by=F("edited_update__created_by__username"),
            pending_status=Case(
                When(
                    edited_update__review_state=ReviewState.SUBMITTED,
                    then=F("edited_update__status"),
                )
            ),
        )

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

    code = models.CharField(_("code"), max_length=16, unique=True)
    plan = models.ForeignKey(NationalPlan, on_delete=models.PROTECT, related_name="commitments")
    # The country is the plan's; it is kept here too because every filter and grouping uses
    # it, and load_plans and the admin keep the two equal (checked by a test).
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="commitments")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="commitments")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="commitments")
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

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["country__iso3", "order"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3}-(PRO|JOB|SOC|EDU|HEA)-[0-9]{2,}$"),
                name="commitment_code_format",
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
        return LocalizedText(self.text, self.text_es)

    @property
    def localized_rationale(self) -> str:
        """Why this pillar, in the reader's language (the other one when it is missing)."""
        if active_language() == "es" and self.pillar_rationale_es:
            return self.pillar_rationale_es
        return self.pillar_rationale or self.pillar_rationale_es


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    MIDYEAR = "midyear", _("Mid-year")


class ReportingPeriodQuerySet(models.QuerySet):
    def chronological(self) -> ReportingPeriodQuerySet:
        return self.order_by("end_date", "start_date")


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

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
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


class Source(models.TextChoices):
    WEB = "web", _("Web")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    DEMO = "demo", _("Demo (synthetic)")


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Superseded")


class Literal(Expression):
    """A constant text written into the SQL itself, not bound as a parameter.

    For a condition that a partial index states: SQLite skips re-reading the table row to check
    a query's ``review_state = 'approved'`` only when the query writes it as the index does,
    literally (with ``review_state = ?`` it reads every row's ``review_state`` from the table:
    1.7x the time of the progress query at 20k commitments, docs/benchmarks.md). PostgreSQL
    receives literals from psycopg2 either way. Only plain words are accepted.
    """

    def __init__(self, value: str):
        if not re.fullmatch(r"[a-z_]+", value):
            raise ValueError(f"not a plain word: {value!r}")
        super().__init__(output_field=models.CharField())
        self.value = value

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []

    def __repr__(self) -> str:
        return f"Literal({self.value!r})"


# the condition of the partial index ``status_update_approved_newest``, as that index writes it
APPROVED = Q(review_state=Literal(ReviewState.APPROVED.value))


class StatusUpdateQuerySet(models.QuerySet):
    def counted(self) -> StatusUpdateQuerySet:
        """The updates that count in public figures: approved ones only (in the words of the
        partial index ``status_update_approved_newest``, so SQLite reads it alone)."""
        return self.filter(APPROVED)

    def as_of(self, period: ReportingPeriod | None) -> StatusUpdateQuerySet:
        """Updates reported in ``period`` or in any period that ended no later than it."""
        if period is None:
            return self
        return self.filter(period__end_date__lte=period.end_date)

    def pending(self) -> StatusUpdateQuerySet:
        return self.filter(review_state=ReviewState.SUBMITTED)

    def visible_to(self, user) -> StatusUpdateQuerySet:
        """The rows ``user`` may read: all of them for the secretariat; for a national team
        member, every row of their own countries and the approved rows of the others (exactly
        what the public reads there); approved rows for anyone else."""
        from .permissions import is_secretariat, member_country_ids

        if is_secretariat(user):
            return self
        own = member_country_ids(user)
        if not own:
            return self.counted()
        return self.filter(Q(review_state=ReviewState.APPROVED) | Q(commitment__country_id__in=own))


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
    REVIEW_COMMENT_MAX_LENGTH = 2000

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
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
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
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
        ordering = ["commitment", "period__end_date", "created_at", "id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        permissions = [("review_statusupdate", _("Can review submitted statuses"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__gte=0, status__lte=5), name="status_update_status_0_to_5"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="status_update_known_source"
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

    @property
    def counts(self) -> bool:
        return self.review_state == ReviewState.APPROVED


class ChangeEvent(models.Model):
    """The audit trail of what happens to existing rows: a submission superseded, approved or
    returned, a period opened, locked, unlocked or edited, a pillar or a commitment's
    classification edited; with who, when, old and new value, route.

    A recorded status needs no event: its StatusUpdate row is never changed in what it says
    (who, when, status before and after, route). Written by the service functions in the same
    transaction as the change itself.
    """

    class Action(models.TextChoices):
        RECORDED = "recorded", _("Status recorded")
        SUBMITTED = "submitted", _("Status submitted for review")
        APPROVED = "approved", _("Status approved")
        RETURNED = "returned", _("Status returned")
        SUPERSEDED = "superseded", _("Submission superseded")
        PERIOD_OPENED = "period_opened", _("Period opened")
        PERIOD_LOCKED = "period_locked", _("Period locked")
        PERIOD_UNLOCKED = "period_unlocked", _("Period unlocked")
        PERIOD_EDITED = "period_edited", _("Period dates changed")
        PILLAR_EDITED = "pillar_edited", _("Pillar edited")
        COMMITMENT_EDITED = "commitment_edited", _("Commitment edited")
        PERIOD_DEADLINES = "period_deadlines", _("Period deadlines set")
        PLAN_EDITED = "plan_edited", _("Plan's Spanish text edited")

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
    route = models.CharField(_("route"), max_length=12, choices=Source.choices)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    status_update = models.ForeignKey(
        StatusUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    plan = models.ForeignKey(
        NationalPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    # Text, not a short string: a pillar's description or a classification's reason is kept
    # whole, so the trail says exactly what changed.
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.old_value} → {self.new_value}"


class SpreadsheetUpload(models.Model):
    """A monitoring matrix uploaded by a person: the file, its preview and what came of it.

    The file is kept (it can be downloaded again from the upload history, and read again when
    the person corrects which column is which) and so is the log: who, when, counts, how it was
    applied and the outcome. Nothing is written to statuses until the person applies the
    preview, and then all of it or nothing, unless they chose to apply the valid rows and skip
    the listed ones (``mode``, ``skipped``). Messages are kept as codes with parameters
    (``outcome_code``, and inside ``preview``) so everyone reads them in their own language.
    """

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected: not a readable spreadsheet")
        FAILED = "failed", _("Failed: nothing was written")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows")
        VALID_ROWS = "valid_rows", _("Valid rows only, listed rows skipped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("period"),
    )
    source = models.CharField(
        _("route"), max_length=12, choices=Source.choices, default=Source.SPREADSHEET
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    columns = models.JSONField(
        _("columns chosen"),
        default=dict,
        blank=True,
        help_text=_("The person's corrections of which column is which, per sheet."),
    )
    changed = models.PositiveIntegerField(_("changes"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    applied = models.PositiveIntegerField(_("applied"), default=0)
    indicators_applied = models.PositiveIntegerField(_("indicator values applied"), default=0)
    mode = models.CharField(_("applied as"), max_length=10, choices=Mode.choices, blank=True)
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_code = models.CharField(_("outcome code"), max_length=40, blank=True)
    outcome_params = models.JSONField(_("outcome parameters"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spreadsheet upload")
        verbose_name_plural = _("spreadsheet uploads")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["previewed", "applied", "cancelled", "rejected", "failed"]),
                name="upload_known_state",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["", "all", "valid_rows"]), name="upload_known_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    def set_outcome(self, code: str, **params) -> None:
        """Record what came of the upload as a code (empty: nothing yet) with parameters; the
        text kept beside it is for searching, the page renders the code in its language."""
        from .spreadsheets.messages import render

        self.outcome_code, self.outcome_params = code, params
        self.outcome = render(code, params) if code else ""

    def outcome_message(self) -> str:
        """What came of the upload, in the active language."""
        from .spreadsheets.messages import render

        return render(self.outcome_code, self.outcome_params) if self.outcome_code else self.outcome
