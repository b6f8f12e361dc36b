"""The workspace pages. Views parse input and render; rules live in services and permissions."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from countries.models import Country

from . import selectors, services
from .forms import (
    CommitmentFilterForm,
    DeadlinesForm,
    MatrixFormSet,
    OpenPeriodForm,
    PlanTranslationForm,
    ReviewFilterForm,
    ReviewForm,
    StatusForm,
    TranslationForm,
    text_fingerprint,
)
from .models import (
    ChangeEvent,
    Commitment,
    NationalPlan,
    ReportingPeriod,
    ReviewState,
    Source,
    StatusUpdate,
    status_legend,
)
from .permissions import (
    can_read_unpublished,
    can_record,
    can_use_workspace,
    is_secretariat,
    member_country_ids,
)
from .tracker import stale_period_codes


def workspace_view(view):
    """Signed-in secretariat staff or national team members only (403 for anyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_use_workspace(request.user):
            raise PermissionDenied(_("Your account has no role in the workspace yet."))
        return view(request, *args, **kwargs)

    return wrapper


def secretariat_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat may open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _default_period() -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(locked=False).order_by("-end_date", "-start_date").first()


@workspace_view
def commitment_list(request):
    form = CommitmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period")
    queryset = selectors.workspace_list(filters, period, request.user)
    counts = selectors.list_counts(queryset)
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


@workspace_view
def commitment_detail(request, code):
    commitment = get_object_or_404(
        Commitment.objects.select_related("country", "focus_area", "pillar", "plan"), code=code
    )
    periods = list(ReportingPeriod.objects.all())
    period = next((p for p in periods if p.code == request.GET.get("period")), None)
    period = period or _default_period() or (periods[-1] if periods else None)
    may_record = can_record(request.user, commitment.country_id)
    current = services.current_version(commitment, period) if period else None
    returned = current if current and current.review_state == ReviewState.RETURNED else None
    form = None
    if may_record and period is not None and not period.locked:
        initial = {"base_version": current.pk if current else 0}
        if current is not None:
            initial["status"] = current.status
        if returned is not None:
            # Returned: the form holds what was sent (status, narrative, evidence), so the
            # team corrects it rather than retyping it.
            initial.update(
                narrative=returned.narrative,
                evidence_url=returned.evidence_url,
                keep_evidence=bool(returned.evidence_file),
            )
        if request.method == "POST":
            form = StatusForm(request.POST, request.FILES, initial=initial)
            if form.is_valid():
                data = form.cleaned_data
                evidence_file = data["evidence_file"]
                if (
                    not evidence_file
                    and data.get("keep_evidence")
                    and returned is not None
                    and returned.evidence_file
                ):
                    evidence_file = returned.evidence_file.name  # the same stored file
                try:
                    services.record_status(
                        commitment=commitment,
                        period=period,
                        status=data["status"],
                        narrative=data["narrative"],
                        evidence_url=data["evidence_url"],
                        evidence_file=evidence_file,
                        user=request.user,
                        source=Source.WEB,
                        base_version=data["base_version"],
                    )
                except services.Conflict as conflict:
                    form.add_error(None, str(conflict))
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    if is_secretariat(request.user):
                        messages.success(request, _("Status saved and approved."))
                    else:
                        messages.success(
                            request,
                            _("Status submitted. It will count once the secretariat approves it."),
                        )
                    return redirect(f"{commitment_url(commitment)}?period={period.code}")
        else:
            form = StatusForm(initial=initial)
    elif request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("You may only record statuses for your own country."))
        messages.error(
            request,
            _("The period %(period)s is locked: it accepts no changes.")
            % {"period": period.code if period else "?"},
        )
    history = list(
        StatusUpdate.objects.visible_to(request.user)
        .filter(commitment=commitment)
        .select_related("period", "created_by", "reviewed_by")
        .prefetch_related(Prefetch("events", queryset=ChangeEvent.objects.select_related("user")))
        .order_by("-period__end_date", "-created_at", "-id")
    )
    shown = Commitment.objects.with_status(period).get(pk=commitment.pk) if period else None
    # the hand edits of its Spanish text and classification, newest first (one query)
    edits = list(
        commitment.events.filter(action=ChangeEvent.Action.COMMITMENT_EDITED).select_related("user")
    )
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "edits": edits,
            "may_edit_text": is_secretariat(request.user),
            "periods": periods,
            "period": period,
            "form": form,
            "may_record": may_record,
            "may_read_unpublished": can_read_unpublished(request.user, commitment.country_id),
            "current": current,
            "returned": returned,
            "returned_file": returned.evidence_file.name.rsplit("/", 1)[-1]
            if returned and returned.evidence_file
            else "",
            "shown": shown,
            "history": history,
            "stale": stale_period_codes(periods, period),
        },
    )


@secretariat_view
def commitment_translation(request, code):
    """The secretariat edits a commitment's Spanish working translation (audited by the
    service, old and new text); the printed English text is shown beside it, never edited."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("country", "focus_area", "pillar"), code=code
    )
    initial = {"text_es": commitment.text_es, "seen": text_fingerprint(commitment.text_es)}
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["seen"] != text_fingerprint(commitment.text_es):
            messages.error(
                request,
                _(
                    "Someone changed this Spanish text while you were editing it: the form now "
                    "shows their text. Make your change again on it."
                ),
            )
            form = TranslationForm(initial=initial)
        else:
            try:
                services.edit_commitment(
                    commitment=commitment,
                    user=request.user,
                    route=Source.WEB,
                    text_es=form.cleaned_data["text_es"],
                )
            except ValueError:
                form.add_error("text_es", _("This text is too long."))
            else:
                messages.success(request, _("Spanish text saved; the change is in its history."))
                return redirect(commitment_url(commitment) + "#texts")
    return render(request, "commitments/translation.html", {"commitment": commitment, "form": form})


@secretariat_view
def plan_translation(request, iso3, edition):
    """The secretariat edits a plan's Spanish title and summary (audited, with history)."""
    plan = get_object_or_404(
        NationalPlan.objects.select_related("country"), country__iso3=iso3.upper(), edition=edition
    )
    seen = text_fingerprint(plan.title_es + "\n" + plan.summary_es)
    initial = {"title_es": plan.title_es, "summary_es": plan.summary_es, "seen": seen}
    form = PlanTranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["seen"] != seen:
            messages.error(
                request,
                _(
                    "Someone changed this Spanish text while you were editing it: the form now "
                    "shows their text. Make your change again on it."
                ),
            )
            form = PlanTranslationForm(initial=initial)
        else:
            services.edit_plan_translation(
                plan=plan,
                user=request.user,
                route=Source.WEB,
                title_es=form.cleaned_data["title_es"],
                summary_es=form.cleaned_data["summary_es"],
            )
            messages.success(request, _("Spanish text saved; the change is in its history."))
            return redirect(request.path)
    edits = list(plan.events.select_related("user"))
    return render(
        request, "commitments/plan_translation.html", {"plan": plan, "form": form, "edits": edits}
    )


def commitment_url(commitment) -> str:
    return reverse("workspace-commitment", kwargs={"code": commitment.code})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, exc.messages)


@workspace_view
def country_matrix(request, iso3):
    country = get_object_or_404(Country, iso3=iso3.upper())
    periods = list(ReportingPeriod.objects.all())
    period = next((p for p in periods if p.code == request.GET.get("period")), None)
    period = period or _default_period() or (periods[-1] if periods else None)
    if period is None:
        raise PermissionDenied(_("No reporting period exists yet."))
    may_edit = can_record(request.user, country.pk) and not period.locked
    if request.method == "POST" and not can_record(request.user, country.pk):
        raise PermissionDenied(_("You may only record statuses for your own country."))
    rows = selectors.country_matrix(country, periods, period, request.user)
    by_code = {row.commitment.code: row.commitment for row in rows}
    initial = [
        {"commitment": row.commitment.code, "base_version": row.commitment.version} for row in rows
    ]
    row_errors: dict[str, list[str]] = {}
    if request.method == "POST" and may_edit:
        formset = MatrixFormSet(request.POST, initial=initial)
        if formset.is_valid():
            changes = [
                f.cleaned_data for f in formset.forms if f.cleaned_data.get("status") is not None
            ]
            unknown = [c["commitment"] for c in changes if c["commitment"] not in by_code]
            if unknown:
                raise PermissionDenied(_("These commitments are not in this country's matrix."))
            if not changes:
                messages.info(request, _("Nothing to save: no new status was chosen."))
            else:
                try:
                    services.record_many(
                        [
                            services.StatusChange(
                                commitment=by_code[change["commitment"]],
                                status=change["status"],
                                narrative=change["narrative"],
                                base_version=change["base_version"],
                            )
                            for change in changes
                        ],
                        period=period,
                        user=request.user,
                        source=Source.WEB,
                    )
                except services.ChangesRefused as refused:
                    row_errors = refused.errors
                    messages.error(
                        request,
                        _("Nothing was saved: fix the rows marked below and save again."),
                    )
                except ValidationError as exc:  # e.g. the period was locked meanwhile
                    messages.error(request, " ".join(exc.messages))
                else:
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
                    return redirect(
                        f"{reverse('country-matrix', kwargs={'iso3': country.iso3})}"
                        f"?period={period.code}"
                    )
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


REVIEW_PAGE_SIZE = 25


@secretariat_view
def review_queue(request):
    """Submissions awaiting review, filtered (country, period, focus area: in the URL) and
    paginated. Each row is its own form (approve, or return with the comment typed beside
    it); the checkboxes and the comment at the bottom review several at once."""
    filters_form = ReviewFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    query = request.GET.copy()
    here = f"{reverse('review-queue')}?{query.urlencode()}" if query else reverse("review-queue")
    form = ReviewForm(request.POST or None)
    row_errors: dict[int, str] = {}
    row_comments: dict[int, str] = {}
    if request.method == "POST" and form.is_valid():
        one = request.POST.get("approve_one") or request.POST.get("return_one") or ""
        if one:
            ids, approve = [one], bool(request.POST.get("approve_one"))
        else:
            ids, approve = request.POST.getlist("update"), request.POST.get("action") == "approve"
        updates = list(StatusUpdate.objects.filter(pk__in=[i for i in ids if i.isdigit()]))
        comment = form.cleaned_data["comment"]
        if not updates:
            messages.error(request, _("Select at least one update."))
        else:
            try:
                count = services.review(
                    updates=updates, user=request.user, approve=approve, comment=comment
                )
            except ValidationError as exc:
                if one:  # said on the row, with what was typed kept
                    row_errors[updates[0].pk] = " ".join(exc.messages)
                    row_comments[updates[0].pk] = comment
                else:
                    messages.error(request, " ".join(exc.messages))
            else:
                if approve:
                    text = ngettext("%(n)d update approved.", "%(n)d updates approved.", count)
                else:
                    text = ngettext("%(n)d update returned.", "%(n)d updates returned.", count)
                messages.success(request, text % {"n": count})
                return redirect(here)
    elif request.method == "POST":  # a comment over the limit: said on the row it came from
        one = request.POST.get("approve_one") or request.POST.get("return_one") or ""
        if one.isdigit():
            row_errors[int(one)] = " ".join(form.errors.get("comment", []))
            row_comments[int(one)] = request.POST.get("comment", "")
        else:
            messages.error(request, " ".join(form.errors.get("comment", [])))
    if row_errors:
        form = ReviewForm()  # the bulk box at the bottom starts empty: the row keeps its text
    page = Paginator(
        selectors.review_queue(
            country=filters.get("country"),
            period=filters.get("period"),
            focus_area=filters.get("focus_area"),
        ),
        REVIEW_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    groups: dict[Country, list[StatusUpdate]] = {}
    for update in page.object_list:
        update.row_error = row_errors.pop(update.pk, "")
        update.row_comment = row_comments.get(update.pk, "")
        groups.setdefault(update.commitment.country, []).append(update)
    for error in row_errors.values():  # its row left the queue meanwhile (reviewed, replaced)
        messages.error(request, error)
    query.pop("page", None)
    return render(
        request,
        "commitments/review.html",
        {
            "groups": groups.items(),
            "count": page.paginator.count,
            "page": page,
            "form": form,
            "filters": filters_form,
            "filtered": bool(filters),
            "query": query.urlencode(),
            "here": here,
        },
    )


@secretariat_view
def periods_page(request):
    form = OpenPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.open_period(
                code=form.cleaned_data["code"],
                user=request.user,
                submission_deadline=form.cleaned_data["submission_deadline"],
                review_deadline=form.cleaned_data["review_deadline"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Period %(code)s opened.") % {"code": period.code})
            return redirect("periods")
    periods = [
        (p, DeadlinesForm(initial=_deadlines(p), prefix=p.code))
        for p in ReportingPeriod.objects.order_by("-end_date", "-start_date")
    ]
    return render(
        request,
        "commitments/periods.html",
        {"periods": periods, "form": form, "today": timezone.localdate()},
    )


def _deadlines(period):
    return {
        "submission_deadline": period.submission_deadline,
        "review_deadline": period.review_deadline,
    }


@require_POST
@secretariat_view
def period_deadlines(request, code):
    """Set or change a period's deadlines (from the periods page)."""
    period = get_object_or_404(ReportingPeriod, code=code)
    form = DeadlinesForm(request.POST, prefix=period.code)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, " ".join(str(e) for e in errors))
        return redirect("periods")
    try:
        services.set_period_deadlines(
            period=period,
            submission_deadline=form.cleaned_data["submission_deadline"],
            review_deadline=form.cleaned_data["review_deadline"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Deadlines of %(code)s saved.") % {"code": period.code})
    return redirect("periods")


@workspace_view
def evidence(request, pk):
    """An evidence file: for the secretariat and the owning country's team only (files may
    hold personal data of refugees), never kept by a shared cache."""
    update = get_object_or_404(StatusUpdate.objects.select_related("commitment"), pk=pk)
    if not update.evidence_file or not can_read_unpublished(
        request.user, update.commitment.country_id
    ):
        raise Http404
    response = FileResponse(
        update.evidence_file.open("rb"),
        as_attachment=True,
        filename=update.evidence_file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@secretariat_view
def period_lock(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    locked = request.POST.get("locked") == "1"
    services.set_period_locked(period=period, locked=locked, user=request.user)
    if locked:
        messages.success(request, _("Period %(code)s locked.") % {"code": period.code})
    else:
        messages.success(request, _("Period %(code)s unlocked.") % {"code": period.code})
    return redirect("periods")


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
