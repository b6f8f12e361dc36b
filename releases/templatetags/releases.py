"""``{% release_note period %}``: on a page of a locked period's figures, the release they are
published in (period, version, date, links)."""

from django import template

from releases.selectors import latest_of

register = template.Library()


@register.inclusion_tag("releases/_note.html")
def release_note(period):
    if period is None or not period.locked:
        return {"period": period, "release": None, "locked": False}
    return {"period": period, "release": latest_of(period), "locked": True}
