from django import template

from mirps.numbers import format_amount

register = template.Library()


@register.filter
def usd(value) -> str:
    """Whole US dollars as our readers write them (``mirps.numbers``): USD 63,152,181."""
    if value is None or value == "":
        return ""
    return f"USD {format_amount(value, 0)}"


@register.filter
def signed_usd(value) -> str:
    """A difference, with its sign: +314,230 / -314,230 / 0."""
    if value is None or value == "":
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{format_amount(value, 0)}"


@register.filter
def share(value) -> str:
    """A 0-100 share with one decimal: 86.3% (``mirps.numbers``, both languages)."""
    if value is None:
        return "–"
    return f"{format_amount(value, 1)}%"


@register.filter
def printed(text: str) -> str:
    """Source text as printed: the extraction's markdown escape of the dollar sign (\\$) and
    its line breaks left out (the stored quote keeps them)."""
    return " ".join((text or "").replace("\\$", "$").split())


@register.filter
def absolute(value):
    """|value| (for "fall short by …")."""
    return abs(value) if value not in (None, "") else value
