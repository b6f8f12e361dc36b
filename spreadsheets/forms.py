"""Forms to upload a spreadsheet and download a template."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.models import ORIGINAL_LANGUAGES
from countries.models import Country
from mirps.forms import DateField
from periods.models import ReportingPeriod
from spreadsheets.messages import MESSAGES as UPLOAD_MESSAGES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "The monitoring matrix, or a sheet of your own with a status column, as .xlsx, .xls, "
            ".ods or .csv, up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
        error_messages={"empty": UPLOAD_MESSAGES["empty"]},
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


class EditionUploadForm(forms.Form):
    """A new edition of a country's plan: the sheet and what it is (issue 22)."""

    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="iso3", empty_label=None
    )
    edition = forms.CharField(
        label=_("Edition"), max_length=20, help_text=_("Its name, e.g. 2024-2026.")
    )
    starts_on = DateField(label=_("In force from"))
    original_language = forms.ChoiceField(
        label=_("Language of the original text"),
        choices=ORIGINAL_LANGUAGES,
        help_text=_("The other text column, if filled in, is a translation."),
    )
    file = forms.FileField(
        label=_("Edition sheet"),
        help_text=_(
            "Columns: code, focus area, pillar, text in English, text in Spanish, responsible "
            "institution (optional), replaces (codes separated by ';'). .xlsx, .xls, .ods or .csv, "
            "up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
        error_messages={"empty": UPLOAD_MESSAGES["empty"]},
    )


class EditionTemplateForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="iso3", empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year of the new edition"),
        min_value=2000,
        max_value=2100,
        help_text=_("Its codes are proposed as ISO3 + the year's last two digits: BLZ24-PRO-01."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("en", _("English")), ("es", _("Spanish"))]
    )
    file_type = forms.ChoiceField(label=_("Format"), choices=[("xlsx", ".xlsx"), ("csv", ".csv")])
