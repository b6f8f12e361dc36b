import re

from django import template
from django.utils.translation import gettext as _

from mirps.numbers import format_amount

register = template.Library()


@register.filter
def amount(value, decimals=None) -> str:
    """A figure as our readers write it (``mirps.numbers``): 63,152,181, 1,204.5."""
    return format_amount(value, None if decimals in (None, "") else int(decimals))


@register.simple_tag
def figure(row: dict | None) -> str:
    """A value with its qualifier as the source states it: "more than 31,000"."""
    if not row:
        return ""
    number = format_amount(row["value"])
    return f"{row['qualifier_label']} {number}" if row.get("qualifier_label") else number


_EMPHASIS = re.compile(r"\*{1,2}")


@register.filter
def quote_text(text: str) -> str:
    """A quote as a reader sees it: the extracted text's emphasis marks (* and **) and line
    breaks left out (the stored quote keeps them, exactly as in the text file)."""
    return " ".join(_EMPHASIS.sub("", text or "").split())


@register.simple_tag
def trend_text(trend: dict | None) -> str:
    """The trend in words: "up from 41,400 (by June 2024)", or why it is not compared."""
    if not trend:
        return _("first value")
    previous = trend["previous"]
    before = f"{figure(previous)} ({previous['period']})"
    if not trend["comparable"]:
        return _("not compared with %(before)s: the periods differ") % {"before": before}
    words = {
        "up": _("up from %(before)s"),
        "down": _("down from %(before)s"),
        "same": _("unchanged since %(before)s"),
    }
    return words[trend["direction"]] % {"before": before}
