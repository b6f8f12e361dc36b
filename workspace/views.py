"""The workspace's pages for commitments: lists, the commitment page, the matrix."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import ChangeEvent
from commitments.editions import lineage_of
from commitments.models import Commitment
from commitments.selectors import why_out_of_force
from countries.decorators import workspace_view
from countries.models import Country
from countries.permissions import (
    is_secretariat,
    member_country_ids,
    works_for,
)
from mirps.forms import add_errors
from mirps.vocabulary import ReviewState, Route
from periods.models import ReportingPeriod, working_period_among
from periods.services import PeriodLocked
from review.unpublished import trail_visible_to
from statuses.models import StatusUpdate, status_legend
from statuses.selectors import newest_in_period, statuses_beside, with_carried
from statuses.services import (
    ChangesRefused,
    Conflict,
    StatusChange,
    already_recorded,
    current_version,
    not_in_force_message,
    record_many,
    record_status,
)
from workspace.forms import CommitmentFilterForm, MatrixFormSet, StatusForm
from workspace.selectors import country_matrix as matrix_rows
from workspace.selectors import list_counts, workspace_list
from workspace.tracker import stale_period_codes


@workspace_view
def commitment_list(request):
    form = CommitmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period")
    queryset = workspace_list(filters, period, request.user)
    counts = list_counts(queryset)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    # every period (one query): which ones are stale as seen from the one shown
    periods = list(form.fields["period"].queryset)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "period": period,
            "query": query.urlencode(),
            "levels": status_legend(),
            "stale": stale_period_codes(periods, period),
        },
    )


def _period_asked(request, periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The period named by ``?period=``, else ``working_period_among``'s (the open one, else the
    latest). No query."""
    period = next((p for p in periods if p.code == request.GET.get("period")), None)
    return period or working_period_among(periods)


@workspace_view
def commitment_detail(request, code):
    commitment = get_object_or_404(
        Commitment.objects.select_related("country", "focus_area", "pillar", "plan"), code=code
    )
    periods = list(ReportingPeriod.objects.all())
    period = _period_asked(request, periods)
    may_record = works_for(request.user, commitment.country_id)
    current = current_version(commitment, period) if period else None
    lineage = lineage_of(commitment)  # its history across plan editions (issue 22): 2 queries
    refusal = _not_in_force(commitment, lineage, period)
    form = None
    if may_record and period is not None and not period.locked and refusal is None:
        initial = _status_initial(current)
        if request.method == "POST":
            form = StatusForm(request.POST, request.FILES, initial=initial)
            if form.is_valid():
                response = _save_status(request, form, commitment, period, current)
                if response is not None:
                    return response
        else:
            form = StatusForm(initial=initial)
    elif request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("You may only record statuses for your own country."))
        if refusal is not None:
            messages.error(request, refusal)
        elif period is not None:
            messages.error(request, " ".join(PeriodLocked.of(period).messages))
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "periods": periods,
            "period": period,
            "form": form,
            "may_record": may_record,
            "current": current,
            "lineage": lineage,
            "refusal": refusal,
            **_detail_context(request, commitment, periods, period, current, lineage),
        },
    )


def _not_in_force(commitment, lineage, period) -> str | None:
    """Why ``commitment`` cannot be reported for ``period`` (not of the edition in force at its
    end), in the write service's words; None when it can. No query (its plan and the next
    edition are read with its ``lineage``)."""
    if period is None:
        return None
    reason = why_out_of_force(commitment, lineage.next_edition, period.end_date)
    return None if reason is None else not_in_force_message(reason, period)


def _status_initial(current: StatusUpdate | None) -> dict:
    """The status form's initial values for the period's current row."""
    initial = {"base_version": current.pk if current else 0}
    if current is not None:
        # The form holds what is recorded for the period (a returned submission too, so
        # the team corrects it rather than retyping it): saved untouched, it changes
        # nothing and says so.
        initial.update(
            status=current.status,
            narrative=current.narrative,
            evidence_url=current.evidence_url,
            keep_evidence=bool(current.evidence_file),
        )
    return initial


def _save_status(request, form, commitment, period, current):
    """Record the valid form's status; the redirect when done (or nothing to do), None when
    the form now holds the errors to show."""
    data = form.cleaned_data
    evidence_file = data["evidence_file"]
    if not evidence_file and data.get("keep_evidence") and current and current.evidence_file:
        evidence_file = current.evidence_file.name  # the same stored file
    change = StatusChange(
        commitment,
        data["status"],
        data["narrative"],
        data["base_version"],
        data["evidence_url"],
        evidence_file,
    )
    url = f"{commitment_url(commitment)}?period={period.code}"
    if already_recorded(change, current):
        _say_already_recorded(request, current)
        return redirect(url)
    try:
        record_status(
            commitment=commitment,
            period=period,
            status=data["status"],
            narrative=data["narrative"],
            evidence_url=data["evidence_url"],
            evidence_file=evidence_file,
            user=request.user,
            source=Route.WEB,
            base_version=data["base_version"],
        )
    except Conflict as conflict:
        if already_recorded(change, conflict.current):
            # e.g. the same form sent twice: the first one saved it
            _say_already_recorded(request, conflict.current)
            return redirect(url)
        form.add_error(None, str(conflict))
    except ValidationError as exc:
        add_errors(form, exc)
    else:
        if is_secretariat(request.user):
            messages.success(request, _("Status saved and approved."))
        else:
            messages.success(
                request,
                _("Status submitted. It will count once the secretariat approves it."),
            )
        return redirect(url)
    return None


def _detail_context(request, commitment, periods, period, current, lineage) -> dict:
    """The commitment page's history, edits and the status shown (three queries): the status
    the figures count (``with_carried``: its own, else the one it carries from the commitment
    it continues); for a split or merged commitment not reported, its predecessors' statuses
    beside it (``statuses_beside``: one query more, only then)."""
    history = list(
        StatusUpdate.objects.visible_to(request.user)
        .filter(commitment=commitment)
        .select_related("period", "created_by", "reviewed_by")
        .prefetch_related(Prefetch("events", queryset=trail_visible_to(request.user)))
        .order_by(*StatusUpdate.LATEST_FIRST)  # newest first: the status as of's order
    )
    shown = with_carried(Commitment.objects.all(), period).get(pk=commitment.pk) if period else None
    beside = []
    if shown is not None:
        beside = statuses_beside(lineage, period, reported=shown.shown_status is not None)
    # the hand edits of its Spanish text and classification, newest first (one query)
    edits = list(
        commitment.events.filter(action=ChangeEvent.Action.COMMITMENT_EDITED).select_related("user")
    )
    returned = current if current and current.review_state == ReviewState.RETURNED else None
    return {
        "edits": edits,
        "may_edit_text": is_secretariat(request.user),
        "may_read_unpublished": works_for(request.user, commitment.country_id),
        "returned": returned,
        "current_file": current.evidence_file.name.rsplit("/", 1)[-1]
        if current and current.evidence_file
        else "",
        "shown": shown,
        "predecessor_statuses": beside,
        "history": history,
        "stale": stale_period_codes(periods, period),
    }


def _say_already_recorded(request, current: StatusUpdate) -> None:
    """Nothing to write: the same status, narrative and evidence are recorded already."""
    messages.info(
        request,
        _(
            "Nothing changed: status %(status)s for %(code)s in %(period)s is already "
            "recorded (%(state)s), with the same narrative and evidence."
        )
        % {
            "status": current.status,
            "code": current.commitment.code,
            "period": current.period.code,
            "state": current.get_review_state_display(),
        },
    )


def commitment_url(commitment) -> str:
    return reverse("workspace-commitment", kwargs={"code": commitment.code})


@workspace_view
def country_matrix(request, iso3):
    country = get_object_or_404(Country, iso3=iso3.upper())
    periods = list(ReportingPeriod.objects.all())
    period = _period_asked(request, periods)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    may_edit = works_for(request.user, country.pk) and not period.locked
    if request.method == "POST" and not works_for(request.user, country.pk):
        raise PermissionDenied(_("You may only record statuses for your own country."))
    rows = matrix_rows(country, periods, period, request.user)
    initial = [
        {"commitment": row.commitment.code, "base_version": row.commitment.version} for row in rows
    ]
    row_errors: dict[str, list[str]] = {}
    if request.method == "POST" and may_edit:
        formset = MatrixFormSet(request.POST, initial=initial)
        if formset.is_valid():
            by_code = {row.commitment.code: row.commitment for row in rows}
            response = _save_matrix(request, formset, country, period, by_code, row_errors)
            if response is not None:
                return response
    else:
        formset = MatrixFormSet(initial=initial)
    forms_by_code = {f.initial["commitment"]: f for f in formset.forms}
    table = [
        {
            "row": row,
            "form": forms_by_code.get(row.commitment.code),
            "errors": row_errors.get(row.commitment.code, []),
        }
        for row in rows
    ]
    return render(
        request,
        "commitments/matrix.html",
        {
            "country": country,
            "countries": Country.objects.all(),
            "periods": periods,
            "period": period,
            "may_edit": may_edit,
            "formset": formset,
            "table": table,
            "own": country.pk in member_country_ids(request.user),
            "stale": stale_period_codes(periods, period),
        },
    )


def _save_matrix(request, formset, country, period, by_code, row_errors: dict):
    """Record the matrix's chosen statuses, all or none; the redirect when saved (or nothing
    was left to save), None when the page shows again (``row_errors`` filled by commitment
    code when the service refused rows)."""
    changes = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("status") is not None]
    if any(c["commitment"] not in by_code for c in changes):
        raise PermissionDenied(_("These commitments are not in this country's matrix."))
    unchanged = _already_recorded_rows(changes, period, by_code)
    changes = [c for c in changes if c not in unchanged]
    if unchanged:
        messages.info(
            request,
            ngettext(
                "Nothing changed for %(n)d row: that status is already recorded.",
                "Nothing changed for %(n)d rows: those statuses are already recorded.",
                len(unchanged),
            )
            % {"n": len(unchanged)},
        )
    matrix_url = f"{reverse('country-matrix', kwargs={'iso3': country.iso3})}?period={period.code}"
    if not changes and not unchanged:
        messages.info(request, _("Nothing to save: no new status was chosen."))
        return None
    if not changes:
        return redirect(matrix_url)
    try:
        record_many(
            [
                StatusChange(
                    commitment=by_code[change["commitment"]],
                    status=change["status"],
                    narrative=change["narrative"],
                    base_version=change["base_version"],
                )
                for change in changes
            ],
            period=period,
            user=request.user,
            source=Route.WEB,
        )
    except ChangesRefused as refused:
        row_errors.update(refused.errors)
        messages.error(
            request,
            _("Nothing was saved: fix the rows marked below and save again."),
        )
        return None
    except ValidationError as exc:  # e.g. the period was locked meanwhile
        messages.error(request, " ".join(exc.messages))
        return None
    n = len(changes)
    if is_secretariat(request.user):
        text = ngettext(
            "%(n)d status saved and approved.",
            "%(n)d statuses saved and approved.",
            n,
        )
    else:
        text = ngettext(
            "%(n)d status submitted for review.",
            "%(n)d statuses submitted for review.",
            n,
        )
    messages.success(request, text % {"n": n})
    return redirect(matrix_url)


def _already_recorded_rows(changes: list[dict], period, by_code) -> list[dict]:
    """The rows asking for exactly what is recorded (e.g. the same form sent twice): nothing
    to write, and not a conflict with the person's own save (one query)."""
    newest = {
        row.commitment_id: row
        for row in newest_in_period(
            period, commitments=[by_code[c["commitment"]].pk for c in changes]
        )
    }
    return [
        c
        for c in changes
        if already_recorded(
            StatusChange(by_code[c["commitment"]], c["status"], c["narrative"] or ""),
            newest.get(by_code[c["commitment"]].pk),
        )
    ]


@workspace_view
def evidence(request, pk):
    """An evidence file: for the secretariat and the owning country's team only (files may
    hold personal data of refugees), never kept by a shared cache."""
    update = get_object_or_404(StatusUpdate.objects.select_related("commitment"), pk=pk)
    if not update.evidence_file or not works_for(request.user, update.commitment.country_id):
        raise Http404
    response = FileResponse(
        update.evidence_file.open("rb"),
        as_attachment=True,
        filename=update.evidence_file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@workspace_view
def my_submissions(request):
    """What I recorded: each status with its review state and the secretariat's comment."""
    updates = (
        StatusUpdate.objects.filter(created_by=request.user)
        .select_related("commitment", "period", "reviewed_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(updates, 50).get_page(request.GET.get("page"))
    return render(request, "commitments/mine.html", {"page": page})
