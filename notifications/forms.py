from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["language", "email_reminders", "email_returned"]
        labels = {"language": _("Language of notifications and e-mails")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Automatic (English for Belize, Spanish otherwise)"))
        ] + [c for c in self.fields["language"].choices if c[0]]
