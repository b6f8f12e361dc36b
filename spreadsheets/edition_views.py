"""The secretariat's page for a new plan edition (under /workspace/): download the template,
upload the sheet, read the preview, confirm. The same service as the command and the API
(``commitments.editions``); between the preview and the confirmation the rows read wait in
the session, and the confirmation previews them again inside the transaction."""

from __future__ import annotations

import datetime
from dataclasses import asdict

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commitments.editions import EditionRefused, EditionRow, apply_edition, preview_edition
from countries.decorators import secretariat_view
from countries.models import Country
from mirps.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from mirps.vocabulary import Route
from spreadsheets.edition_sheet import (
    SheetUnreadable,
    build_edition_template,
    build_edition_template_csv,
    read_edition_sheet,
)
from spreadsheets.forms import EditionTemplateForm, EditionUploadForm
from spreadsheets.reading import MAX_BYTES

SESSION_KEY = "plan_edition_sheet"


def _language() -> str:
    return "en" if (get_language() or "en").startswith("en") else "es"


@secretariat_view
def plan_edition(request):
    """Upload an edition sheet and see its preview (nothing written), or confirm the one
    previewed (``apply``)."""
    template_form = EditionTemplateForm(
        initial={"year": timezone.localdate().year, "language": _language(), "file_type": "xlsx"}
    )
    form = EditionUploadForm(
        request.POST if request.POST.get("action") == "preview" else None,
        request.FILES or None,
        initial={"original_language": "en"},
    )
    preview = None
    if request.method == "POST" and request.POST.get("action") == "apply":
        return _apply(request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows = None
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                rows = read_edition_sheet(upload.read(), form.cleaned_data["original_language"])
            except SheetUnreadable as exc:
                form.add_error("file", str(exc))
        if rows is not None:
            data = form.cleaned_data
            preview = preview_edition(
                country=data["country"],
                edition=data["edition"],
                starts_on=data["starts_on"],
                rows=rows,
                original_language=data["original_language"],
            )
            request.session[SESSION_KEY] = {
                "country": data["country"].iso3,
                "edition": data["edition"],
                "starts_on": data["starts_on"].isoformat(),
                "original_language": data["original_language"],
                "rows": [asdict(r) for r in rows],
            }
    return render(
        request,
        "commitments/plan_edition.html",
        {"form": form, "template_form": template_form, "preview": preview},
    )


def _apply(request):
    held = request.session.get(SESSION_KEY)
    if not held:
        messages.error(request, _("Upload the sheet again: its preview is no longer here."))
        return redirect("plan-edition")
    try:
        _plan, preview = apply_edition(
            country=Country.objects.get(iso3=held["country"]),
            edition=held["edition"],
            starts_on=datetime.date.fromisoformat(held["starts_on"]),
            rows=[EditionRow(**row) for row in held["rows"]],
            original_language=held["original_language"],
            user=request.user,
            route=Route.WEB,
        )
    except EditionRefused as refused:
        template_form = EditionTemplateForm(
            initial={"year": timezone.localdate().year, "language": _language()}
        )
        messages.error(request, _("The edition has problems: nothing was written."))
        return render(
            request,
            "commitments/plan_edition.html",
            {
                "form": EditionUploadForm(),
                "template_form": template_form,
                "preview": refused.preview,
            },
            status=409,
        )
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Edition %(edition)s of %(country)s applied: %(n)d commitments.")
        % {
            "edition": preview.edition,
            "country": preview.country.name,
            "n": len(preview.commitments),
        },
    )
    return redirect("plan-edition")


@secretariat_view
def plan_edition_template(request):
    """The template of a new edition: the country's current edition, each row replacing
    itself."""
    form = EditionTemplateForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Choose a country and a year."), status=400)
    data = form.cleaned_data
    country, year, language = data["country"], data["year"], data["language"]
    if data["file_type"] == "csv":
        content = build_edition_template_csv(country, year=year, language=language)
        kind, extension = CSV_CONTENT_TYPE, "csv"
    else:
        content = build_edition_template(country, year=year, language=language)
        kind, extension = XLSX_CONTENT_TYPE, "xlsx"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="edition-{country.iso3}-{year}.{extension}"'
    )
    return response
