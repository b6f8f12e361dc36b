"""The periods page: open periods, set deadlines, lock and unlock."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countries.decorators import secretariat_view
from mirps.forms import add_errors
from periods.calendar import defaults_for, next_period_code
from periods.forms import DeadlinesForm, OpenPeriodForm
from periods.models import ReportingPeriod
from periods.services import open_period, set_period_deadlines, set_period_locked


@secretariat_view
def periods_page(request):
    # the calendar's defaults for the period most likely opened next (periods/calendar.py)
    proposed = next_period_code()
    defaults = defaults_for(proposed)
    initial = {"code": proposed}
    if defaults is not None:
        initial |= {
            "submission_deadline": defaults.submission_deadline,
            "figures_as_of": defaults.figures_as_of,
        }
    form = OpenPeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # a date left empty takes the calendar's default for the code typed
        typed = defaults_for(data["code"])
        deadline = data["submission_deadline"] or (typed.submission_deadline if typed else None)
        as_of = data["figures_as_of"] or (typed.figures_as_of if typed else None)
        try:
            period = open_period(
                code=data["code"],
                user=request.user,
                submission_deadline=deadline,
                review_deadline=data["review_deadline"],
                figures_as_of=as_of,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Period %(code)s opened.") % {"code": period.code})
            return redirect("periods")
    periods = [
        (p, DeadlinesForm(initial=_deadlines(p), prefix=p.code))
        for p in ReportingPeriod.objects.chronological().reverse()
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
    asked = (form.cleaned_data["submission_deadline"], form.cleaned_data["review_deadline"])
    if asked == (period.submission_deadline, period.review_deadline):
        messages.info(
            request,
            _("Nothing changed: the deadlines of %(code)s are as they were.")
            % {"code": period.code},
        )
        return redirect("periods")
    try:
        set_period_deadlines(
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


@require_POST
@secretariat_view
def period_lock(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    locked = request.POST.get("locked") == "1"
    reason = request.POST.get("reason", "").strip()[:2000]
    try:
        set_period_locked(period=period, locked=locked, user=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("periods")
    if locked:
        messages.success(request, _("Period %(code)s locked.") % {"code": period.code})
    else:
        messages.success(request, _("Period %(code)s unlocked.") % {"code": period.code})
    return redirect("periods")
