from django import template
from django.utils.html import format_html

from statuses.models import NOT_REPORTED_COLOUR, NOT_REPORTED_LABEL, STATUS_COLOURS, Status

register = template.Library()

DARK_TEXT_ON = {1, 2, 3, 4}  # light backgrounds take dark text (WCAG contrast); the others white


@register.simple_tag
def status_chip(value, extra: str = ""):
    """A traffic-light chip that always shows the number and the label, never colour alone."""
    if value is None or value == "":
        return format_html(
            '<span class="chip" style="background:{}">– {}</span>',
            NOT_REPORTED_COLOUR,
            NOT_REPORTED_LABEL,
        )
    value = int(value)
    colour = "#1d2733" if value in DARK_TEXT_ON else "#ffffff"
    return format_html(
        '<span class="chip{}" style="background:{};color:{}">{} · {}</span>',
        f" {extra}" if extra else "",
        STATUS_COLOURS[value],
        colour,
        value,
        Status(value).label,
    )


@register.simple_tag
def status_short(value):
    """A compact chip for dense tables: the number, with the label as accessible text."""
    if value is None or value == "":
        return format_html(
            '<span class="chip small" style="background:{}" title="{}">–<span '
            'class="visually-hidden"> {}</span></span>',
            NOT_REPORTED_COLOUR,
            NOT_REPORTED_LABEL,
            NOT_REPORTED_LABEL,
        )
    value = int(value)
    colour = "#1d2733" if value in DARK_TEXT_ON else "#ffffff"
    return format_html(
        '<span class="chip small" style="background:{};color:{}" title="{}">{}<span '
        'class="visually-hidden"> {}</span></span>',
        STATUS_COLOURS[value],
        colour,
        Status(value).label,
        value,
        Status(value).label,
    )
