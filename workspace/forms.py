"""Forms of the workspace pages: statuses, the matrix, the lists and the review."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from commitments.forms import country_filter, focus_area_filter
from commitments.models import Pillar
from mirps.forms import LimitedTextarea, LimitedTextField, LinkField
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod
from review.models import REVIEW_COMMENT_MAX_LENGTH
from review.workflow import comment_too_long_message
from statuses.models import Status, StatusUpdate
from statuses.services import narrative_too_long_message

# Lazy labels: this list is built once, when the module loads, and must read in each request's
# language ("2 · Being implemented (40%)" in English, "2 · En implementación (40%)" in Spanish).
STATUS_CHOICES = [(str(s.value), format_lazy("{} · {}", s.value, s.label)) for s in Status]

REVIEW_STATUSES, REVIEW_INDICATORS = "statuses", "indicators"


NOT_REPORTED = "none"


PENDING = "pending"


class StatusForm(forms.Form):
    """Record a status for one commitment in one period."""

    status = forms.TypedChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    narrative = LimitedTextField(
        label=_("Narrative"),
        required=False,
        limit=StatusUpdate.NARRATIVE_MAX_LENGTH,
        message=narrative_too_long_message,
        widget=LimitedTextarea(attrs={"rows": 4}),
        help_text=_("Required when the status changes: what was done, by whom, what is left."),
    )
    evidence_url = LinkField(
        label=_("Evidence link"),
        help_text=_("A web address, e.g. www.example.org/report.pdf."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image or office document, up to 10 MB."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Shown when the form is pre-filled from a returned submission that had a file.
    keep_evidence = forms.BooleanField(
        label=_("Keep the evidence file recorded before"), required=False
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
    narrative = LimitedTextField(
        label=_("Narrative"),
        required=False,
        limit=StatusUpdate.NARRATIVE_MAX_LENGTH,
        message=narrative_too_long_message,
        # the box has no visible label in the matrix (its column is "New status"): say what goes
        # in it, as the error asks for "the narrative"
        widget=LimitedTextarea(
            attrs={"rows": 2, "placeholder": _("Narrative: what was done, by whom, what is left")}
        ),
    )


MatrixFormSet = forms.formset_factory(MatrixRowForm, extra=0, max_num=1000, validate_max=True)


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
        queryset=ReportingPeriod.objects.chronological().reverse(),
        to_field_name="code",
        required=False,
        empty_label=_("All periods"),
    )
    focus_area = focus_area_filter()
    kind = forms.ChoiceField(
        label=_("Submissions"),
        choices=[
            ("", _("All submissions")),
            (REVIEW_STATUSES, _("Statuses only")),
            (REVIEW_INDICATORS, _("Indicators only")),
        ],
        required=False,
    )


class ReviewForm(forms.Form):
    comment = LimitedTextField(
        label=_("Comment for the national team"),
        required=False,
        limit=REVIEW_COMMENT_MAX_LENGTH,
        message=comment_too_long_message,
        widget=LimitedTextarea(attrs={"rows": 2}),
    )
