from django import template

from mirps.numbers import format_amount

register = template.Library()


@register.filter
def usd(value) -> str:
    """Whole US dollars with the active language's separators: USD 63,152,181 / 63.152.181."""
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
    """A 0-100 share with one decimal in the active language: 86.3% / 86,3%."""
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
