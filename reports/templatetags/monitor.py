import colorsys
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from reports import dashboard, progress

register = template.Library()


@register.filter
def percent(fraction) -> str:
    """0.4321 -> '43%' (coverage is a 0-1 fraction in the engine). Never a rounded 0% or 100%
    beside counts that say otherwise ("0%: 1 of 229 updated"): '<1%', '>99%'."""
    if fraction is None:
        return ""
    share = float(fraction) * 100
    if 0 < share < 0.5:
        return "<1%"
    if 99.5 <= share < 100:
        return ">99%"
    return f"{round(share)}%"


@register.simple_tag
def list_url(sel, keys=None, **overrides) -> str:
    """The public list of the commitments behind a figure: the selection, narrowed.

    ``{% list_url sel row.keys status="3" %}`` (``keys``: a group's keys such as
    ``{"country": "GTM"}``), or ``{% list_url sel period=t.period %}``; "" drops a filter.
    """
    overrides = {**(keys or {}), **overrides}
    extra = {k: overrides.pop(k, None) for k in ("status", "q")}
    params = sel.query(**{k: (v if v != "" else None) for k, v in overrides.items()})
    extra = urlencode({k: v for k, v in extra.items() if v not in (None, "")})
    if extra:
        params = f"{params}&{extra}" if params else extra
    return reverse("public-commitments") + (f"?{params}" if params else "")


@register.simple_tag
def page_url(name, sel, *args, **overrides) -> str:
    """A page (by URL name) for the selection with overrides (e.g. another period)."""
    params = sel.query(**{k: (v if v != "" else None) for k, v in overrides.items()})
    return reverse(name, args=args) + (f"?{params}" if params else "")


@register.filter
def explain(stats):
    return progress.explain(stats)


@register.filter
def low_coverage(stats) -> bool:
    return dashboard.is_low_coverage(stats)


@register.filter
def level_key(number) -> str:
    return "not_reported" if number is None else str(number)


@register.filter
def heat(progress) -> str:
    """Inline style of a heatmap cell: one blue hue, darker for more progress (colour-blind
    safe; the number is always written in the cell). None (nothing reported): light grey."""
    if progress is None:
        return "background:#f1f3f5;color:#1d2733"
    lightness = (96 - 0.62 * float(progress)) / 100
    red, green, blue = colorsys.hls_to_rgb(210 / 360, lightness, 0.65)
    colour = "#" + "".join(f"{round(255 * c):02x}" for c in (red, green, blue))
    return f"background:{colour};color:{dashboard.ink(colour, dark_ink='#000000')}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def query(sel, **overrides) -> str:
    """``?…`` for this page with the selection changed (a shareable link)."""
    params = sel.query(**{k: (v if v != "" else None) for k, v in overrides.items()})
    return f"?{params}" if params else "?"
