"""Bilingual fields: models keep ``<field>_en`` and ``<field>_es`` side by side."""

from django.utils.translation import get_language


def active_language() -> str:
    """'en' or 'es' (the default language of the product is Spanish)."""
    return "en" if (get_language() or "es").startswith("en") else "es"


def localized(obj, field: str) -> str:
    """The active language's value of ``field``, falling back to the other language."""
    first, second = ("en", "es") if active_language() == "en" else ("es", "en")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
