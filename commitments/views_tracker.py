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
from django.utils.translation import gettext_lazy

from countries.models import Country
from mirps.tabular import XLSX_CONTENT_TYPE, rows_to_xlsx

from . import tracker
from .models import ReportingPeriod, ReviewState, Status
from .permissions import is_secretariat, member_country_ids
from .services import demo_data_present
from .views import workspace_view

STATE_LABELS = {
    ReviewState.APPROVED: gettext_lazy("approved"),
    ReviewState.SUBMITTED: gettext_lazy("waiting for review"),
    ReviewState.RETURNED: gettext_lazy("returned"),
}


def _periods_and_period(request):
    """Every period (one query) and the one asked for, else the open one: the newest
    unlocked period (the newest of all if every one is locked)."""
    periods = list(ReportingPeriod.objects.order_by("-end_date", "-start_date"))
    wanted = request.GET.get("period")
    period = next((p for p in periods if p.code == wanted), None)
    if period is None:
        period = next((p for p in periods if not p.locked), periods[0] if periods else None)
    return periods, period


def _visible_country_ids(user):
    """None (every country) for the secretariat; the member's own countries otherwise."""
    return None if is_secretariat(user) else member_country_ids(user)


@workspace_view
def start(request):
    """The start page after signing in: who has reported what in the open period."""
    periods, period = _periods_and_period(request)
    own = member_country_ids(request.user)
    board = None
    if period is not None:
        board = tracker.tracker(period, _visible_country_ids(request.user))
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
    if not is_secretariat(request.user) and country.pk not in member_country_ids(request.user):
        raise PermissionDenied(_("You can follow the reporting of your own country only."))
    periods, period = _periods_and_period(request)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    show = request.GET.get("show")
    if show not in tracker.Show.CHOICES:
        show = tracker.Show.NOT_UPDATED
    board = tracker.tracker(period, [country.pk])
    row = board.rows[0] if board.rows else tracker.CountryProgress(country=country)
    commitments = list(tracker.country_commitments(country, period, show).with_status(period))
    tabs = [
        (tracker.Show.NOT_UPDATED, _("Not updated"), row.not_updated),
        (tracker.Show.RETURNED, _("Returned"), row.returned),
        (tracker.Show.WAITING, _("Waiting for review"), row.waiting),
        (tracker.Show.APPROVED, _("Approved"), row.approved),
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
            "may_record": is_secretariat(request.user)
            or country.pk in member_country_ids(request.user),
        },
    )


@workspace_view
def export(request):
    """The tracker as .xlsx: one sheet by country, one with every commitment not updated."""
    periods, period = _periods_and_period(request)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    visible = _visible_country_ids(request.user)
    board = tracker.tracker(period, visible)
    header = [
        _("Country"),
        _("ISO3"),
        _("Commitments"),
        _("Updated this period"),
        _("Updated (%)"),
        _("Submitted"),
        _("Approved"),
        _("Waiting for review"),
        _("Returned"),
        _("Not updated"),
        _("Late"),
        _("Last activity (UTC)"),
        _("Submission deadline"),
        _("Days to the deadline"),
    ]
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
            timezone.localtime(row.last_activity).strftime("%Y-%m-%d %H:%M")
            if row.last_activity
            else "",
            deadline,
            days,
        ]

    countries = [line(r, r.country.name, r.country.iso3) for r in board.rows]
    countries.append(line(board.total, _("Total"), ""))
    ids = [r.country.pk for r in board.rows]
    labels = dict(Status.choices)
    missing = [
        [
            c.country.iso3,
            c.code,
            c.localized_text,
            STATE_LABELS.get(c.p_state, _("nothing sent")),
            f"{c.p_status} · {labels[c.p_status]}" if c.p_state == ReviewState.RETURNED else "",
            (c.p_comment or "") if c.p_state == ReviewState.RETURNED else "",
        ]
        for c in tracker.not_updated(period, ids).select_related("country")
    ]
    sheets = [
        (str(_("Countries")), header, countries),
        (
            str(_("Not updated")),
            [
                _("ISO3"),
                _("Code"),
                _("Commitment"),
                _("State in the period"),
                _("Returned status"),
                _("Secretariat's comment"),
            ],
            missing,
        ),
    ]
    if demo_data_present():  # as the public exports: every row says its statuses are synthetic
        note = _("Synthetic demo data, not real reports")
        sheets = [
            (title, [*head, _("Demo data")], [[*row, note] for row in rows])
            for title, head, rows in sheets
        ]
    body = rows_to_xlsx(sheets)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tracker-{period.code}.xlsx"'
    return response
