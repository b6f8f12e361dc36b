"""Forms of the workspace: they parse input; the rules live in services and permissions."""

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, FocusArea
from commitments.services import PLAN_TEXT_MAX_LENGTH
from countries.models import Country
from mirps.forms import LimitedTextarea, LimitedTextField


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


# What the review queue lists (its ``kind`` filter; both when empty).


def text_fingerprint(text: str) -> str:
    """What the translation form carries of the text it showed: a change since is detected."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class TranslationForm(forms.Form):
    """The secretariat's edit of a commitment's Spanish working translation."""

    text_es = LimitedTextField(
        label=_("Spanish text (working translation)"),
        required=False,
        limit=Commitment.TEXT_ES_MAX_LENGTH,
        widget=LimitedTextarea(attrs={"rows": 6, "lang": "es"}),
        help_text=_("Leave it empty to show the printed English text only."),
    )
    seen = forms.CharField(widget=forms.HiddenInput)


class PlanTranslationForm(forms.Form):
    """The secretariat's edit of a plan's Spanish title and summary (working translation)."""

    title_es = forms.CharField(label=_("title (Spanish)"), required=False, max_length=200)
    summary_es = LimitedTextField(
        label=_("summary (Spanish)"),
        required=False,
        limit=PLAN_TEXT_MAX_LENGTH["summary_es"],
        widget=LimitedTextarea(attrs={"rows": 10, "lang": "es"}),
    )
    seen = forms.CharField(widget=forms.HiddenInput)
