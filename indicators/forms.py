"""Forms of the indicators workspace: they parse input; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from indicators.models import Indicator, Qualifier
from mirps.forms import DateField, LinkField
from mirps.numbers import parse_amount


class IndicatorValueForm(forms.Form):
    """One indicator value for one country and period, with its source."""

    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso3"
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.all(), to_field_name="code"
    )
    qualifier = forms.ChoiceField(label=_("Qualifier"), choices=Qualifier.choices, required=False)
    value = forms.CharField(
        label=_("Value"),
        max_length=30,
        help_text=_("The figure as the source prints it: 31000, 31,000 or 31.000 are all read."),
    )
    period_start = DateField(label=_("Period start"), required=False)
    period_end = DateField(label=_("Period end"), required=False)
    period_label_en = forms.CharField(
        label=_("Period as stated (English)"),
        required=False,
        max_length=120,
        help_text=_('As the source words it, e.g. "January to September 2024".'),
    )
    period_label_es = forms.CharField(
        label=_("Period as stated (Spanish)"), required=False, max_length=120
    )
    source_document = forms.CharField(label=_("Source document"), max_length=300)
    source_section = forms.CharField(label=_("Page or section"), required=False, max_length=300)
    source_url = LinkField(label=_("Source link"))
    source_quote = forms.CharField(
        label=_("Quoted sentence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sentence that states the figure, copied exactly."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = (
            countries if countries is not None else Country.objects.none()
        )

    def clean_value(self):
        raw = self.cleaned_data["value"]
        try:
            return parse_amount(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Enter the figure as a number, e.g. 31000, 31,000 or 31.000.")
            ) from None
