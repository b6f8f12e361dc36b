"""The reporting tracker: the workspace's start page, a country's drill-down, the export.

The secretariat sees every country; a national team member sees their own countries (and what
was returned to them). The numbers come from ``tracker``; these views only pick the period and
format the answer.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from countries.decorators import workspace_view
from countries.models import Country
from countries.permissions import countries_worked_for, member_country_ids, works_for
from mirps.tabular import XLSX_CONTENT_TYPE, Table, rows_to_xlsx
from mirps.vocabulary import ReviewState
from periods.models import ReportingPeriod, working_period_among
from statuses.models import Status
from statuses.selectors import demo_data_present, with_carried
from workspace import tracker

STATE_LABELS = {
    ReviewState.APPROVED: gettext_lazy("approved"),
    ReviewState.SUBMITTED: gettext_lazy("waiting for review"),
    ReviewState.RETURNED: gettext_lazy("returned"),
}


def _periods_and_period(request):
    """Every period, newest first (one query), and the one asked for, else
    ``working_period_among``'s: the open period (the newest of all if every one is locked)."""
    periods = list(ReportingPeriod.objects.chronological().reverse())
    wanted = request.GET.get("period")
    period = next((p for p in periods if p.code == wanted), None)
    if period is None:
        period = working_period_among(periods)
    return periods, period


@workspace_view
def start(request):
    """The start page after signing in: who has reported what in the open period."""
    periods, period = _periods_and_period(request)
    own = member_country_ids(request.user)
    board = None
    if period is not None:
        board = tracker.tracker(period, countries_worked_for(request.user))
    returned = []
    if own:
        returned = list(
            tracker.returned_to(own).select_related("commitment", "period", "reviewed_by")[:100]
        )
    own_rows = [row for row in board.rows if row.country.pk in own] if board else []
    return render(
        request,
        "commitments/tracker.html",
        {
            "periods": periods,
            "period": period,
            "board": board,
            "own_rows": own_rows,
            "returned": returned,
            "today": timezone.localdate(),
        },
    )


@workspace_view
def country(request, iso3):
    """One country's commitments in the period, by reporting state (the drill-down)."""
    country = get_object_or_404(Country, iso3=iso3.upper())
    if not works_for(request.user, country.pk):
        raise PermissionDenied(_("You can follow the reporting of your own country only."))
    periods, period = _periods_and_period(request)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    show = request.GET.get("show")
    if show not in tracker.Show.CHOICES:
        show = tracker.Show.NOT_UPDATED
    board = tracker.tracker(period, [country.pk])
    row = board.rows[0] if board.rows else tracker.CountryProgress(country=country)
    # the status the figures count: its own, else the one it carries (``with_carried``)
    commitments = list(with_carried(tracker.country_commitments(country, period, show), period))
    tabs = [
        (tracker.Show.NOT_UPDATED, _("Not updated"), row.not_updated),
        (tracker.Show.RETURNED, pgettext("count of statuses", "Returned"), row.returned),
        (tracker.Show.WAITING, pgettext("count of statuses", "Waiting for review"), row.waiting),
        (tracker.Show.APPROVED, pgettext("count of statuses", "Approved"), row.approved),
        (tracker.Show.LATE, _("Late"), row.late),
        (tracker.Show.ALL, _("All commitments"), row.commitments),
    ]
    return render(
        request,
        "commitments/tracker_country.html",
        {
            "country": country,
            "periods": periods,
            "period": period,
            "row": row,
            "show": show,
            "tabs": tabs,
            "commitments": commitments,
            "stale": tracker.stale_period_codes(periods, period),
            "may_record": works_for(request.user, country.pk),
        },
    )


@workspace_view
def export(request):
    """The tracker as .xlsx: one sheet by country, one with every commitment not updated."""
    periods, period = _periods_and_period(request)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    board = tracker.tracker(period, countries_worked_for(request.user))
    sheets = [
        Table(str(_("Countries")), _country_header(), _country_lines(board)),
        Table(str(_("Not updated")), _missing_header(), _missing_lines(board)),
    ]
    if demo_data_present():  # as the public exports: every row says its statuses are synthetic
        note = _("Synthetic demo data, not real reports")
        sheets = [table.with_column(_("Demo data"), note) for table in sheets]
    body = rows_to_xlsx(sheets)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tracker-{period.code}.xlsx"'
    return response


def _country_header() -> list[str]:
    return [
        _("Country"),
        _("ISO3"),
        _("Commitments"),
        _("Updated this period"),
        _("Updated (%)"),
        _("Submitted"),
        pgettext("count of statuses", "Approved"),
        pgettext("count of statuses", "Waiting for review"),
        pgettext("count of statuses", "Returned"),
        _("Not updated"),
        _("Late"),
        _("Indicator values waiting"),
        _("Last activity (UTC)"),
        _("Submission deadline"),
        _("Days to the deadline"),
    ]


def _missing_header() -> list[str]:
    return [
        _("ISO3"),
        _("Code"),
        _("Commitment"),
        _("State in the period"),
        _("Returned status"),
        _("Secretariat's comment"),
    ]


def _country_lines(board: tracker.Tracker) -> list[list]:
    """A line per country of the tracker, then the total."""
    period = board.period
    deadline = period.submission_deadline.isoformat() if period.submission_deadline else ""
    days = board.days_left if board.days_left is not None else ""

    def line(row, label, iso3):
        return [
            label,
            iso3,
            row.commitments,
            row.updated,
            row.percent,
            row.submitted,
            row.approved,
            row.waiting,
            row.returned,
            row.not_updated,
            row.late,
            row.indicators_waiting,
            timezone.localtime(row.last_activity).strftime("%Y-%m-%d %H:%M")
            if row.last_activity
            else "",
            deadline,
            days,
        ]

    lines = [line(r, r.country.name, r.country.iso3) for r in board.rows]
    lines.append(line(board.total, _("Total"), ""))
    return lines


def _missing_lines(board: tracker.Tracker) -> list[list]:
    """Every commitment of the tracker's countries not updated in its period."""
    labels = dict(Status.choices)
    ids = [r.country.pk for r in board.rows]
    return [
        [
            c.country.iso3,
            c.code,
            c.localized_text,
            STATE_LABELS.get(c.p_state, _("nothing sent")),
            f"{c.p_status} · {labels[c.p_status]}" if c.p_state == ReviewState.RETURNED else "",
            (c.p_comment or "") if c.p_state == ReviewState.RETURNED else "",
        ]
        for c in tracker.not_updated(board.period, ids).select_related("country")
    ]
