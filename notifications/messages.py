"""What each notification says, written in the active language from its ``data``.

One place for the words: the inbox, the bell and the e-mails all call ``describe``. The data
was captured when the notification was made (``cycle``), so an e-mail read next week still
says what was true when it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mirps.i18n import active_language, long_date
from notifications.models import Kind, Notification
from statuses.models import Status

LIST_LIMIT = 25  # commitments listed in a message; the rest are counted ("and 12 more")


@dataclass
class Message:
    subject: str
    lines: list[str] = field(default_factory=list)
    # (heading, items, how many more) blocks, e.g. a country and its missing commitments
    blocks: list[tuple[str, list[str], int]] = field(default_factory=list)
    link: str = ""  # a path on this site
    link_label: str = ""


def day(value) -> str:
    """A date in the active language's long format ("31 March 2026", "31 de marzo de 2026")."""
    if isinstance(value, str):
        value = parse_date(value)
    return long_date(value) if isinstance(value, date) else ""


def moment(value) -> str:
    if isinstance(value, str):
        value = parse_datetime(value)
    return formats.date_format(value, "DATETIME_FORMAT") if isinstance(value, datetime) else ""


def name(country: dict) -> str:
    return country.get("name_en" if active_language() == "en" else "name_es") or country["iso3"]


def text(item: dict) -> str:
    value = item.get("text_es") if active_language() == "es" else ""
    value = value or item.get("text_en", "")
    return value if len(value) <= 110 else value[:107].rstrip() + "…"


def status_label(value) -> str:
    return f"{value} · {Status(int(value)).label}" if value is not None else "–"


def days_phrase(days_left: int) -> str:
    if days_left == 0:
        return _("the deadline is today")
    if days_left < 0:
        return ngettext(
            "the deadline passed %(n)d day ago", "the deadline passed %(n)d days ago", -days_left
        ) % {"n": -days_left}
    return ngettext("%(n)d day left", "%(n)d days left", days_left) % {"n": days_left}


def _tracker_link(data: dict) -> str:
    countries = data.get("countries") or []
    if len(countries) == 1:
        url = reverse("tracker-country", kwargs={"iso3": countries[0]["iso3"]})
        return f"{url}?period={data['period']}"
    return f"{reverse('workspace')}?period={data['period']}"


def _missing_blocks(data: dict) -> list[tuple[str, list[str], int]]:
    blocks = []
    for country in data.get("countries", []):
        missing = country.get("missing", [])
        count = country.get("missing_count", len(missing))
        if not count:
            continue
        heading = ngettext(
            "%(country)s: %(n)d of %(total)d commitments not yet updated",
            "%(country)s: %(n)d of %(total)d commitments not yet updated",
            count,
        ) % {"country": name(country), "n": count, "total": country.get("commitments", 0)}
        if country.get("returned"):
            heading += " " + ngettext(
                "(%(n)d returned to you)", "(%(n)d returned to you)", country["returned"]
            ) % {"n": country["returned"]}
        items = [
            f"{item['code']}{' ↩' if item.get('state') == 'returned' else ''} — {text(item)}"
            for item in missing
        ]
        blocks.append((heading, items, max(0, count - len(items))))
    return blocks


def describe(notification: Notification) -> Message:
    """The notification's subject, lines and link, in the active language."""
    describe_kind = _DESCRIBERS.get(notification.kind)
    if describe_kind is None:
        return Message(subject=notification.get_kind_display())
    data = notification.data or {}
    return describe_kind(data, data.get("period", ""))


def _period_opened(data: dict, period: str) -> Message:
    message = Message(
        subject=_("Reporting period %(period)s is open") % {"period": period},
        link=f"{reverse('workspace')}?period={period}",
        link_label=_("Open your reporting page"),
    )
    if data.get("deadline"):
        message.lines.append(
            _(
                "Please update the status of your commitments for %(period)s by "
                "%(deadline)s (%(days)s)."
            )
            % {
                "period": period,
                "deadline": day(data["deadline"]),
                "days": days_phrase(data.get("days_left", 0)),
            }
        )
    else:
        message.lines.append(
            _("Please update the status of your commitments for %(period)s.") % {"period": period}
        )
    for country in data.get("countries", []):
        message.lines.append(
            ngettext(
                "%(country)s: %(n)d commitment to follow up.",
                "%(country)s: %(n)d commitments to follow up.",
                country.get("commitments", 0),
            )
            % {"country": name(country), "n": country.get("commitments", 0)}
        )
    return message


def _reminder(data: dict, period: str) -> Message:
    days_left = data.get("days_left", 0)
    if days_left == 0:
        subject = _("Last day to report for %(period)s") % {"period": period}
    else:
        subject = ngettext(
            "%(n)d day left to report for %(period)s",
            "%(n)d days left to report for %(period)s",
            days_left,
        ) % {"n": days_left, "period": period}
    return Message(
        subject=subject,
        lines=[
            _("The deadline for %(period)s is %(deadline)s. What is not yet updated:")
            % {"period": period, "deadline": day(data.get("deadline"))}
        ],
        blocks=_missing_blocks(data),
        link=_tracker_link(data),
        link_label=_("See what is left to update"),
    )


def _deadline_passed(data: dict, period: str) -> Message:
    return Message(
        subject=_("The deadline for %(period)s has passed") % {"period": period},
        lines=[
            _(
                "The deadline was %(deadline)s. Statuses submitted now are still accepted, "
                "and marked late. Not yet updated:"
            )
            % {"deadline": day(data.get("deadline"))}
        ],
        blocks=_missing_blocks(data),
        link=_tracker_link(data),
        link_label=_("See what is left to update"),
    )


def _returned(data: dict, period: str) -> Message:
    code = data.get("code", "")
    message = Message(
        subject=_("Returned: %(code)s (%(period)s)") % {"code": code, "period": period},
        lines=[
            _(
                "%(reviewer)s, of the secretariat, returned the status you submitted for "
                "%(code)s in %(period)s (%(status)s) with this comment:"
            )
            % {
                "reviewer": data.get("reviewer") or "?",
                "code": code,
                "period": period,
                "status": status_label(data.get("status")),
            },
            f"“{data.get('comment', '')}”",
            _("The form holds what you sent: correct it and submit it again."),
        ],
        link=(reverse("workspace-commitment", kwargs={"code": code}) + f"?period={period}#record"),
        link_label=_("Open the form"),
    )
    if data.get("text_en"):
        message.lines.insert(0, f"{code} — {text(data)}")
    return message


def _value_returned(data: dict, period: str) -> Message:
    spanish = active_language() == "es"
    indicator = data.get("name_es" if spanish else "name_en") or data.get("indicator", "")
    shown_period = data.get("period_es" if spanish else "period_en", "")
    return Message(
        subject=_("Returned: %(indicator)s, %(country)s (%(period)s)")
        % {
            "indicator": data.get("indicator", ""),
            "country": data.get("country", ""),
            "period": shown_period,
        },
        lines=[
            _(
                "%(reviewer)s, of the secretariat, returned the value you submitted for "
                "%(name)s, %(country)s, %(period)s (%(value)s) with this comment:"
            )
            % {
                "reviewer": data.get("reviewer") or "?",
                "name": indicator,
                "country": data.get("country", ""),
                "period": shown_period,
                "value": data.get("value", ""),
            },
            f"“{data.get('comment', '')}”",
            _("Correct it and submit it again on the indicators page."),
        ],
        link=reverse("indicator-values") + f"?country={data.get('country', '')}",
        link_label=_("Open the indicators page"),
    )


def _approved_digest(data: dict, period: str) -> Message:
    items = data.get("items", [])
    shown = [
        f"{item['code']} ({item['period']}): {status_label(item.get('status'))}"
        for item in items[:LIST_LIMIT]
    ]
    return Message(
        subject=ngettext(
            "%(n)d of your submissions was approved",
            "%(n)d of your submissions were approved",
            len(items),
        )
        % {"n": len(items)},
        lines=[_("The secretariat approved these statuses; they now count in the figures.")],
        blocks=[("", shown, max(0, len(items) - len(shown)))],
        link=reverse("my-submissions"),
        link_label=_("See my submissions"),
    )


def _waiting_digest(data: dict, period: str) -> Message:
    total = data.get("total", 0)
    lines = [
        ngettext(
            "%(country)s: %(n)d submission, waiting since %(since)s",
            "%(country)s: %(n)d submissions, the oldest waiting since %(since)s",
            country["waiting"],
        )
        % {"country": name(country), "n": country["waiting"], "since": day(country["oldest"])}
        for country in data.get("countries", [])
    ]
    for deadline in data.get("review_deadlines", []):
        lines.append(
            _("Review deadline for %(period)s: %(deadline)s.")
            % {"period": deadline["period"], "deadline": day(deadline["date"])}
        )
    return Message(
        subject=ngettext(
            "%(n)d submission waits for review",
            "%(n)d submissions wait for review",
            total,
        )
        % {"n": total},
        lines=lines,
        link=reverse("review-queue"),
        link_label=_("Open the review queue"),
    )


def _country_silent(data: dict, period: str) -> Message:
    country = data.get("country", {"iso3": "?"})
    return Message(
        subject=_("%(country)s has reported nothing for %(period)s")
        % {"country": name(country), "period": period},
        lines=[
            _(
                "%(country)s has not sent any status for its %(n)d commitments in "
                "%(period)s, and the deadline is %(deadline)s (%(days)s)."
            )
            % {
                "country": name(country),
                "n": country.get("commitments", 0),
                "period": period,
                "deadline": day(data.get("deadline")),
                "days": days_phrase(data.get("days_left", 0)),
            }
        ],
        link=reverse("tracker-country", kwargs={"iso3": country["iso3"]}) + f"?period={period}",
        link_label=_("Open the country's tracker"),
    )


# One function per kind of notice; a kind not listed is described by its name alone.
_DESCRIBERS = {
    Kind.PERIOD_OPENED: _period_opened,
    Kind.REMINDER: _reminder,
    Kind.DEADLINE_PASSED: _deadline_passed,
    Kind.RETURNED: _returned,
    Kind.VALUE_RETURNED: _value_returned,
    Kind.APPROVED_DIGEST: _approved_digest,
    Kind.WAITING_DIGEST: _waiting_digest,
    Kind.COUNTRY_SILENT: _country_silent,
}
