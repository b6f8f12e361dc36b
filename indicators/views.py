"""The indicators workspace: national teams submit values for their own countries, the
secretariat records values for any country and reviews submissions. Views parse and render;
the rules live in ``services`` and ``countries.permissions``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from countries.decorators import secretariat_view, workspace_view
from countries.models import Country
from countries.permissions import is_secretariat, member_country_ids
from indicators import selectors, services
from indicators.forms import IndicatorValueForm
from indicators.models import IndicatorValue
from mirps.forms import add_errors
from mirps.vocabulary import Route

FORM_FIELDS = [
    "qualifier",
    "period_start",
    "period_end",
    "period_label_en",
    "period_label_es",
    "source_document",
    "source_section",
    "source_url",
    "source_quote",
    "note",
]


def _initial_from(value: IndicatorValue) -> dict:
    """The form's fields from an existing value (to correct it), based on the newest row of
    its slot so a concurrent change is detected."""
    newest = (
        IndicatorValue.objects.in_slot(
            indicator_id=value.indicator_id,
            country_id=value.country_id,
            period_start=value.period_start,
            period_end=value.period_end,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    initial = {name: getattr(value, name) for name in FORM_FIELDS}
    initial.update(
        country=value.country.iso3,
        indicator=value.indicator.code,
        value=value.value.normalize(),
        base_version=newest.pk,
    )
    return initial


@workspace_view
def values_page(request):
    """Record an indicator value (own countries; any for the secretariat) and see the values of
    those countries in every review state, with the secretariat's comments."""
    user = request.user
    secretariat = is_secretariat(user)
    allowed = Country.objects.all()
    if not secretariat:
        allowed = allowed.filter(pk__in=member_country_ids(user))
    countries = list(allowed)
    by_iso3 = {c.iso3: c for c in countries}
    shown = by_iso3.get((request.GET.get("country") or "").upper())
    only = countries[0] if len(countries) == 1 else None
    initial = {"base_version": 0, "country": (shown or only).iso3 if (shown or only) else None}
    editing = None
    edit_id = request.GET.get("edit", "")
    if edit_id:
        editing = (
            IndicatorValue.objects.filter(
                pk=edit_id if edit_id.isdigit() else 0, country__in=countries
            )
            .select_related("indicator", "country")
            .first()
        )
        if editing is None:
            raise Http404(_("No such value among your countries."))
        initial = _initial_from(editing)
    if request.method == "POST":
        asked = request.POST.get("country", "").upper()
        if asked and asked not in by_iso3:  # an empty choice is a form error, not a 403
            raise PermissionDenied(_("You may only record indicator values for your own country."))
        form = IndicatorValueForm(request.POST, countries=allowed)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_indicator_value(
                    indicator=data["indicator"],
                    country=data["country"],
                    value=data["value"],
                    base_version=data["base_version"],
                    user=user,
                    source=Route.WEB,
                    # empty texts are "" and empty dates None, as the service expects
                    **{name: data[name] for name in FORM_FIELDS},
                )
            except services.Conflict as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if secretariat:
                    messages.success(request, _("Value saved and approved."))
                else:
                    messages.success(
                        request,
                        _("Value submitted. It will be public once the secretariat approves it."),
                    )
                return redirect(f"{request.path}?country={data['country'].iso3}")
    else:
        form = IndicatorValueForm(initial=initial, countries=allowed)
    listed = [shown.pk] if shown else [c.pk for c in countries]
    return render(
        request,
        "indicators/workspace.html",
        {
            "form": form,
            "editing": editing,
            "countries": countries,
            "shown": shown,
            "values": list(selectors.workspace_values(user, listed)),
            "pending": IndicatorValue.objects.pending().count() if secretariat else None,
        },
    )


@secretariat_view
def review_page(request):
    """The indicator review has moved into the one review queue (statuses and indicator values
    together): this address keeps working, showing the queue's indicator values."""
    return redirect(f"{reverse('review-queue')}?kind=indicators", permanent=False)
