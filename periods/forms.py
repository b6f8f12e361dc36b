"""Forms to open periods and set their deadlines."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mirps.forms import DateField


class OpenPeriodForm(forms.Form):
    code = forms.CharField(
        label=_("New period"),
        max_length=7,
        help_text=_("A year (2026) or a half year (2026-H1)."),
    )
    submission_deadline = DateField(
        label=_("Submission deadline"),
        required=False,
        help_text=_(
            "National teams are reminded before it; later statuses are marked late. Empty: the "
            "calendar's default, the end of August for an annual period (national reports are "
            "due then, 2019 work plan), 31 July for a mid-year period."
        ),
    )
    review_deadline = DateField(label=_("Review deadline (optional)"), required=False)
    figures_as_of = DateField(
        label=_("Figures as of"),
        required=False,
        help_text=_(
            "Empty: 30 September for an annual period (as in the 2024 annual report), the end "
            "of the half for a mid-year period."
        ),
    )


class DeadlinesForm(forms.Form):
    """Set or change the deadlines of an existing period (empty clears them)."""

    submission_deadline = DateField(label=_("Submission deadline"), required=False)
    review_deadline = DateField(label=_("Review deadline (optional)"), required=False)
