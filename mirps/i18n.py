"""Bilingual fields: models keep ``<field>_en`` and ``<field>_es`` side by side."""

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import get_language

# A day written out in a sentence: "1 January 2024", "1 de enero de 2024".
LONG_DATE = {"en": "j F Y", "es": r"j \d\e F \d\e Y"}


def active_language() -> str:
    """'en' or 'es' (the default language of the product is Spanish)."""
    return "en" if (get_language() or "es").startswith("en") else "es"


def long_date(day, language: str | None = None) -> str:
    """``day`` written out in ``language`` (the active one if None), as in a sentence."""
    language = language or active_language()
    with translation.override(language):
        return date_format(day, LONG_DATE[language])


def localized(obj, field: str) -> str:
    """The active language's value of ``field``, falling back to the other language."""
    first, second = ("en", "es") if active_language() == "en" else ("es", "en")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")


def readable_value(value: str, states=None, flags=None) -> str:
    """A value the audit trail stored as text, as a reader reads it: review states written by
    their label ("3 (submitted)" → "3 (Enviado, pendiente de revisión)", "superseded" →
    "Reemplazado") when ``states`` (a TextChoices) is given, and Python's booleans by
    ``flags`` (``{"True": label, "False": label}``, e.g. locked / unlocked). Anything else is
    kept as stored (texts, dates)."""
    import re

    text = str(value or "")
    if flags and text in flags:
        return str(flags[text])
    if states is not None:
        labels = {choice.value: str(choice.label) for choice in states}
        if text in labels:
            return labels[text]
        found = re.fullmatch(r"(.*) \((\w+)\)", text)
        if found and found.group(2) in labels:
            return f"{found.group(1)} ({labels[found.group(2)]})"
    return text
