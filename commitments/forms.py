"""Forms of the workspace: they parse input; the rules live in services and permissions."""

import hashlib

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from countries.models import Country

from .models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    ReviewState,
    Status,
    StatusUpdate,
)

# Lazy labels: this list is built once, when the module loads, and must read in each request's
# language ("2 · Being implemented (40%)" in English, "2 · En implementación (40%)" in Spanish).
STATUS_CHOICES = [(str(s.value), format_lazy("{} · {}", s.value, s.label)) for s in Status]
NOT_REPORTED = "none"
PENDING = "pending"


class StatusForm(forms.Form):
    """Record a status for one commitment in one period."""

    status = forms.TypedChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=StatusUpdate.NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the status changes: what was done, by whom, what is left."),
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image or office document, up to 10 MB."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Shown when the form is pre-filled from a returned submission that had a file.
    keep_evidence = forms.BooleanField(
        label=_("Keep the evidence file you sent before"), required=False
    )

    MAX_FILE = 10 * 1024 * 1024
    ALLOWED_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".ods", ".txt")

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            if upload.size > self.MAX_FILE:
                raise forms.ValidationError(_("The file is larger than 10 MB."))
            if not upload.name.lower().endswith(self.ALLOWED_EXTENSIONS):
                raise forms.ValidationError(
                    _("Allowed files: PDF, PNG, JPG, DOCX, XLSX, ODT, ODS, TXT.")
                )
        return upload


class MatrixRowForm(forms.Form):
    """One commitment's row in the country matrix for the period being edited."""

    commitment = forms.CharField(widget=forms.HiddenInput)
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.TypedChoiceField(
        label=_("New status"),
        choices=[("", _("— no change —"))] + STATUS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=StatusUpdate.NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MatrixFormSet = forms.formset_factory(MatrixRowForm, extra=0, max_num=1000, validate_max=True)


def country_filter() -> forms.ModelChoiceField:
    """An optional country filter by ISO3 code ("All countries" when empty)."""
    return forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso3",
        required=False,
        empty_label=_("All countries"),
    )


def focus_area_filter() -> forms.ModelChoiceField:
    """An optional focus-area filter by code ("All focus areas" when empty)."""
    return forms.ModelChoiceField(
        label=_("Focus area"),
        queryset=FocusArea.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All focus areas"),
    )


class CommitmentFilterForm(forms.Form):
    """The filters of the workspace list (validated, so no ORM lookup passes through)."""

    country = country_filter()
    pillar = forms.ModelChoiceField(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("All pillars"),
    )
    focus_area = focus_area_filter()
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + STATUS_CHOICES + [(NOT_REPORTED, _("Not reported"))],
    )
    review = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[
            ("", _("Any")),
            (PENDING, _("Awaiting review")),
            (ReviewState.RETURNED, _("Returned")),
        ],
    )
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=ReportingPeriod.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Latest"),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words or a code, in Spanish or English")}
        ),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("code", _("Code")),
            ("country", _("Country")),
            ("pillar", _("Pillar")),
            ("status", _("Status (low to high)")),
            ("-status", _("Status (high to low)")),
        ],
    )


class ReviewFilterForm(forms.Form):
    """The review queue's filters (in the URL; validated, so no ORM lookup passes through)."""

    country = country_filter()
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=ReportingPeriod.objects.order_by("-end_date", "-start_date"),
        to_field_name="code",
        required=False,
        empty_label=_("All periods"),
    )
    focus_area = focus_area_filter()


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the national team"),
        required=False,
        max_length=StatusUpdate.REVIEW_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenPeriodForm(forms.Form):
    code = forms.CharField(
        label=_("New period"),
        max_length=7,
        help_text=_("A year (2026) or a half year (2026-H1)."),
    )
    submission_deadline = forms.DateField(
        label=_("Submission deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("National teams are reminded before it; later statuses are marked late."),
    )
    review_deadline = forms.DateField(
        label=_("Review deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DeadlinesForm(forms.Form):
    """Set or change the deadlines of an existing period (empty clears them)."""

    submission_deadline = forms.DateField(
        label=_("Submission deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    review_deadline = forms.DateField(
        label=_("Review deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "The monitoring matrix, or a sheet of your own with a status column, as .xlsx, .ods "
            "or .csv, up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods,.csv"}),
    )
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=ReportingPeriod.objects.filter(locked=False),
        to_field_name="code",
        empty_label=None,
    )


class TemplateForm(forms.Form):
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.all(),
        to_field_name="iso3",
        widget=forms.CheckboxSelectMultiple,
    )
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=ReportingPeriod.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("es", _("Spanish")), ("en", _("English"))]
    )


def text_fingerprint(text: str) -> str:
    """What the translation form carries of the text it showed: a change since is detected."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class TranslationForm(forms.Form):
    """The secretariat's edit of a commitment's Spanish working translation."""

    text_es = forms.CharField(
        label=_("Spanish text (working translation)"),
        required=False,
        max_length=Commitment.TEXT_ES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "es"}),
        help_text=_("Leave it empty to show the printed English text only."),
    )
    seen = forms.CharField(widget=forms.HiddenInput)


class PlanTranslationForm(forms.Form):
    """The secretariat's edit of a plan's Spanish title and summary (working translation)."""

    title_es = forms.CharField(label=_("title (Spanish)"), required=False, max_length=200)
    summary_es = forms.CharField(
        label=_("summary (Spanish)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "es"}),
    )
    seen = forms.CharField(widget=forms.HiddenInput)
