"""Form pieces every app uses, so that a browser rule is written once.

* ``DateInput``/``DateField``: an ``<input type="date">`` always carries ``YYYY-MM-DD``. Django
  renders a date input's value with the active language's first ``DATE_INPUT_FORMATS``
  (``31/08/2025`` in Spanish), which a date input cannot show: it looked empty, and saving the
  form untouched cleared the date. The format is fixed here, for every language.
* ``LimitedTextField``: a text limited to a number of characters without the browser's
  ``maxlength`` (which cuts a pasted text silently and lets the page say "saved"): the limit
  and a count are shown beside the box, counted live as the person types
  (``static/js/limits.js``), and a longer text is refused by the server with a message, the
  text kept in the form.
* ``LinkField``: a web address typed as people type it (``www.example.org/x``), in a text
  input (a ``type=url`` input blocks it with the browser's own tooltip); the rule that reads and
  checks it is ``mirps.links.clean_link``, the same for every route.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from mirps.links import LINK_MAX_LENGTH, clean_link

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">``: its value is ``YYYY-MM-DD`` whatever the language (the only
    form a date input reads; the browser shows it the reader's way)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's argument name)
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """A date typed in a date input (``YYYY-MM-DD``; the language's own way is read too)."""

    widget = DateInput


def too_long_message(length: int, limit: int) -> str:
    return gettext(
        "The text has %(length)d characters; the limit is %(max)d. Shorten it and save again."
    ) % {"length": length, "max": limit}


def count_text(length: int, limit: int) -> str:
    return gettext("%(n)d of %(max)d characters") % {"n": length, "max": limit}


class LimitedTextarea(forms.Textarea):
    """A textarea with its limit and a count beside it, and never a ``maxlength`` (the browser
    must not cut what was pasted). ``static/js/limits.js`` updates the count as the person
    types and marks it when the text is over the limit."""

    def __init__(self, attrs=None, *, limit: int | None = None):
        super().__init__(attrs)
        self.limit = limit

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs.pop("maxlength", None)
        if self.limit:
            attrs["data-limit"] = str(self.limit)
            if attrs.get("id"):
                described = attrs.get("aria-describedby", "")
                attrs["aria-describedby"] = f"{described} {attrs['id']}-count".strip()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.limit:
            return html
        text = self.format_value(value) or ""
        length = len(text.replace("\r\n", "\n"))
        over = length > self.limit
        counter = format_html(
            '<span class="char-count{}" id="{}-count" data-count-text="{}" data-over-text="{}" '
            'aria-live="polite">{}</span>',
            " over" if over else "",
            (attrs or {}).get("id", name),
            # the words, in the page's language: JS fills in {n}, {max} and {over}
            gettext("{n} of {max} characters"),
            gettext("{n} of {max} characters: {over} too many. Shorten it before saving."),
            count_text(length, self.limit)
            if not over
            else gettext(
                "%(n)d of %(max)d characters: %(over)d too many. Shorten it before saving."
            )
            % {"n": length, "max": self.limit, "over": length - self.limit},
        )
        return mark_safe(f"{html}{counter}")  # noqa: S308 (both parts escaped above)


class LimitedTextField(forms.CharField):
    """A text of at most ``limit`` characters, in a ``LimitedTextarea``. ``message(length)``
    words the refusal (a rule's own message, e.g. the narrative's); by default a general one."""

    widget = LimitedTextarea

    def __init__(self, *, limit: int, message=None, **kwargs):
        self.limit = limit
        self.message = message
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        if isinstance(self.widget, LimitedTextarea):
            self.widget.limit = limit

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            text = self.message(len(value)) if self.message else None
            raise ValidationError(
                str(text) if text else too_long_message(len(value), self.limit),
                code="too_long",
            )


class LinkInput(forms.TextInput):
    """A web address in a text input (``inputmode=url``: the phone's keyboard for links), so
    that ``www.example.org`` is accepted and completed by the server, not blocked by the
    browser; no ``maxlength``: a longer link is refused with a message, never cut."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "url", "autocomplete": "url", "spellcheck": "false", **(attrs or {})}
        )


class LinkField(forms.CharField):
    """An optional web link: ``mirps.links.clean_link`` reads and checks it (``https://`` added
    when no scheme is written; only http and https; at most ``LINK_MAX_LENGTH`` characters)."""

    widget = LinkInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.pop("max_length", None)
        kwargs.pop("assume_scheme", None)
        super().__init__(**kwargs)
        self.limit = LINK_MAX_LENGTH

    def clean(self, value):
        value = super().clean(value)
        return clean_link(value) if value else ""


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form shows one, else
    at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, exc.messages)
