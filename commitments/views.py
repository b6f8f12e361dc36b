"""The workspace pages. Views parse input and render; rules live in services and permissions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commitments.forms import PlanTranslationForm, TranslationForm, text_fingerprint
from commitments.models import Commitment, NationalPlan
from commitments.services import edit_commitment, edit_plan_translation
from countries.decorators import secretariat_view
from mirps.vocabulary import Route


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
                edit_commitment(
                    commitment=commitment,
                    user=request.user,
                    route=Route.WEB,
                    text_es=form.cleaned_data["text_es"],
                )
            except ValueError:
                form.add_error("text_es", _("This text is too long."))
            else:
                messages.success(request, _("Spanish text saved; the change is in its history."))
                return redirect(
                    reverse("workspace-commitment", kwargs={"code": commitment.code}) + "#texts"
                )
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
            edit_plan_translation(
                plan=plan,
                user=request.user,
                route=Route.WEB,
                title_es=form.cleaned_data["title_es"],
                summary_es=form.cleaned_data["summary_es"],
            )
            messages.success(request, _("Spanish text saved; the change is in its history."))
            return redirect(request.path)
    edits = list(plan.events.select_related("user"))
    return render(
        request, "commitments/plan_translation.html", {"plan": plan, "form": form, "edits": edits}
    )
