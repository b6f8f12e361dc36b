"""The reporting calendar on pages: a period's deadline and the days left, in words."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mirps.i18n import long_date

register = template.Library()


def days_left_text(days: int) -> str:
    if days > 0:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    if days == 0:
        return _("due today")
    return ngettext(
        "passed %(n)d day ago: late statuses are accepted and marked late",
        "passed %(n)d days ago: late statuses are accepted and marked late",
        -days,
    ) % {"n": -days}


@register.simple_tag
def deadline(period, today=None):
    """ "Submission deadline 31 March 2026 · 9 days left" (or that none is set), as a badge
    whose class says how urgent it is (``ok``, ``soon`` within 7 days, ``due``, ``passed``)."""
    if period is None:
        return ""
    if period.submission_deadline is None:
        return format_html('<span class="deadline none">{}</span>', _("No submission deadline set"))
    days = period.days_left(today or timezone.localdate())
    level = "passed" if days < 0 else "due" if days == 0 else "soon" if days <= 7 else "ok"
    review = ""
    if period.review_deadline:
        review = format_html(
            ' <span class="small">· {} {}</span>',
            _("review by"),
            long_date(period.review_deadline),
        )
    return format_html(
        '<span class="deadline {}">{} {} · <strong>{}</strong>{}</span>',
        level,
        _("Submission deadline"),
        long_date(period.submission_deadline),
        days_left_text(days),
        review,
    )


@register.simple_tag
def deadline_phrase(period, today=None):
    """The deadline in a few words for a sentence: "deadline in 9 days", "deadline today",
    "deadline passed 3 days ago", "no deadline set"."""
    if period is None or period.submission_deadline is None:
        return _("no deadline set")
    days = period.days_left(today or timezone.localdate())
    if days > 0:
        return ngettext("deadline in %(n)d day", "deadline in %(n)d days", days) % {"n": days}
    if days == 0:
        return _("deadline today")
    return ngettext("deadline passed %(n)d day ago", "deadline passed %(n)d days ago", -days) % {
        "n": -days
    }
