"""Spreadsheet round trip pages: download the matrix, upload, preview, apply, history."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.models import Commitment, LocalizedText
from countries.decorators import workspace_view
from countries.models import Country
from countries.permissions import is_secretariat, member_country_ids, works_for
from indicators.models import period_from_dates
from mirps.numbers import format_amount
from mirps.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from periods.models import ReportingPeriod
from spreadsheets import importer
from spreadsheets.formats import INDICATOR_USED, USED
from spreadsheets.forms import TemplateForm, UploadForm
from spreadsheets.messages import FIELD_LABELS, localise_preview
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import MAX_BYTES
from spreadsheets.template import (
    build_matrix,
    build_matrix_csv,
    matrix_commitments,
)
from statuses.selectors import demo_data_present
from workspace.forms import CommitmentFilterForm
from workspace.selectors import workspace_list


def _visible_uploads(user):
    uploads = SpreadsheetUpload.objects.select_related("user", "period")
    return uploads if is_secretariat(user) else uploads.filter(user=user)


@workspace_view
def spreadsheets(request):
    """Download the matrix, upload a filled one, and the upload history."""
    own = member_country_ids(request.user)
    default_period = ReportingPeriod.objects.open_period()
    template_form = TemplateForm(
        initial={
            "countries": list(Country.objects.filter(pk__in=own)) if own else [],
            "period": default_period,
            "language": "en" if (get_language() or "es").startswith("en") else "es",
        }
    )
    if not is_secretariat(request.user):
        template_form.fields["countries"].queryset = Country.objects.filter(pk__in=own)
    upload_form = UploadForm(
        request.POST or None, request.FILES or None, initial={"period": default_period}
    )
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            upload_form.add_error("file", _("The file is larger than 5 MB."))
        else:
            record = importer.create_upload(
                data=upload.read(),
                name=upload.name,
                user=request.user,
                period=upload_form.cleaned_data["period"],
            )
            if record.state == SpreadsheetUpload.State.REJECTED:
                messages.error(request, record.outcome_message())
            return redirect("spreadsheet-upload", pk=record.pk)
    # the list never carries previews (one can weigh megabytes): only the detail reads one
    history = Paginator(_visible_uploads(request.user).defer("preview"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commitments/spreadsheets.html",
        {
            "template_form": template_form,
            "upload_form": upload_form,
            "history": history,
        },
    )


@workspace_view
def download_matrix(request):
    """The matrix of one or more countries for a period, as the template to fill in."""
    form = TemplateForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose at least one country and a period."))
        return redirect("spreadsheets")
    countries = list(form.cleaned_data["countries"])
    if not all(works_for(request.user, c.pk) for c in countries):
        raise PermissionDenied(_("You may download the matrix of your own country only."))
    period = form.cleaned_data["period"]
    data = build_matrix(
        countries, period, form.cleaned_data["language"], request.user, demo=demo_data_present()
    )
    name = "-".join(c.iso3 for c in countries) if len(countries) < 4 else "MIRPS"
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="matrix-{name}-{period.code}.xlsx"'
    return response


def _column_choices(preview: dict) -> list[dict]:
    """For the correction form: per sheet, each column the importer uses with the column it
    took (if any) and every header cell of the sheet to choose from."""
    forms = []
    for number, (name, columns) in enumerate(preview.get("columns", {}).items()):
        cells = columns.get("cells", [])
        chosen = {c["key"]: c["index"] for c in cells if c.get("key")}
        used = INDICATOR_USED if columns.get("kind") == "indicators" else USED
        fields = [
            {
                "key": key,
                "label": FIELD_LABELS[key],
                "name": f"col-{number}-{key}",
                "chosen": chosen.get(key),
                "cell": next((c for c in cells if c["index"] == chosen.get(key)), None),
            }
            for key in used
        ]
        unused = [c for c in cells if not c.get("key") and c.get("header")]
        forms.append(
            {"number": number, "sheet": name, "header_row": columns.get("header_row"),
             "fields": fields, "cells": cells, "unused": unused}
        )  # fmt: skip
    return forms


def _with_period(change: dict) -> dict:
    """An indicator change with its period as the reader reads it: the source's wording in
    the reader's language, else the dates written out ("1 January 2025 – 31 December 2025")."""
    english = (get_language() or "es").startswith("en")
    label = change.get("period_label_en" if english else "period_label_es") or ""
    if not label:
        start, end = change.get("period_start"), change.get("period_end")
        label = period_from_dates(
            dt.date.fromisoformat(start) if start else None,
            dt.date.fromisoformat(end) if end else None,
        )
    name = change.get("name") or {}
    return {
        **change,
        "period": label,
        "label": name.get("en" if english else "es", ""),
        "old_shown": format_amount(change["old"]) if change.get("old") else "",
        "new_shown": format_amount(change["new"]) if change.get("new") else "",
    }


def _with_texts(changes: list[dict]) -> list[dict]:
    """Each change with its commitment's text in the reader's language first (``texts``, a
    ``LocalizedText``): the one the preview kept (both languages since issue 19), else the
    commitment's as it is now (one query, for previews kept before)."""
    missing = {c["commitment"] for c in changes if "text_es" not in c}
    found = (
        {c.pk: c.texts for c in Commitment.objects.filter(pk__in=missing).only("text", "text_es")}
        if missing
        else {}
    )
    return [
        {
            **change,
            "texts": found.get(change["commitment"])
            or LocalizedText(change.get("text", ""), change.get("text_es", "")),
        }
        for change in changes
    ]


@workspace_view
def upload_detail(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    preview = localise_preview(upload.preview or {})
    changes = _with_texts(preview.get("changes", []))
    values = [_with_period(v) for v in preview.get("indicator_changes", [])]
    tally = preview.get("tally") or {}
    problem_rows = tally.get("problem_rows", len(preview.get("problems", [])))
    open_ = upload.state == SpreadsheetUpload.State.PREVIEWED
    blocked = bool(preview.get("file_problems"))
    return render(
        request,
        "commitments/upload.html",
        {
            "upload": upload,
            "preview": preview,
            "changes": changes,
            "values": values,
            "all_changes": len(changes) + len(values),
            "tally": tally,
            "problem_rows": problem_rows,
            # the lists the preview kept only the first entries of (shown, total)
            "listed": preview.get("listed") or {},
            "close": [c for c in changes if c["match"] == "close"],
            "column_forms": _column_choices(preview) if open_ else [],
            "can_apply": open_ and not blocked and not problem_rows and bool(changes or values),
            "can_apply_valid": open_
            and not blocked
            and bool(problem_rows)
            and bool(changes or values),
        },
    )


def _confirmed(request) -> set[str]:
    return {value for value in request.POST.getlist("confirm") if value}


@require_POST
@workspace_view
def upload_apply(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    action = request.POST.get("action")
    if action == "cancel":
        importer.cancel(upload, user=request.user)
        messages.info(request, _("Upload cancelled: nothing was written."))
        return redirect("spreadsheets")
    try:
        count = importer.apply(
            upload,
            user=request.user,
            confirmed=_confirmed(request),
            skip_problems=action == "apply_valid",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if is_secretariat(request.user):
            text = ngettext(
                "%(n)d status recorded and approved.",
                "%(n)d statuses recorded and approved.",
                count,
            )
        else:
            text = ngettext(
                "%(n)d status submitted for review.", "%(n)d statuses submitted for review.", count
            )
        message = text % {"n": count}
        upload.refresh_from_db(fields=["indicators_applied"])
        if upload.indicators_applied:
            values = upload.indicators_applied
            if is_secretariat(request.user):
                more = ngettext(
                    "%(n)d indicator value recorded and approved.",
                    "%(n)d indicator values recorded and approved.",
                    values,
                )
            else:
                more = ngettext(
                    "%(n)d indicator value submitted for review.",
                    "%(n)d indicator values submitted for review.",
                    values,
                )
            message = f"{message} {more % {'n': values}}"
        messages.success(request, message)
    return redirect("spreadsheet-upload", pk=upload.pk)


@require_POST
@workspace_view
def upload_columns(request, pk):
    """The person's correction of which column is which: read the kept file again."""
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    columns = (upload.preview or {}).get("columns", {})
    choice: dict[str, dict] = {}
    for number, (name, sheet) in enumerate(columns.items()):
        taken = {c["key"]: c["index"] for c in sheet.get("cells", []) if c.get("key")}
        for key in INDICATOR_USED if sheet.get("kind") == "indicators" else USED:
            value = request.POST.get(f"col-{number}-{key}")
            if value is None:
                continue
            index = int(value) if value.isdigit() else None
            if index != taken.get(key):  # only what the person changed counts as chosen
                choice.setdefault(name, {})[key] = index
    try:
        importer.correct_columns(upload, user=request.user, columns=choice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("The file was read again with the columns you chose."))
    return redirect("spreadsheet-upload", pk=upload.pk)


@workspace_view
def upload_file(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    if not upload.file:
        raise Http404
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name)


@workspace_view
def export_commitments(request, fmt):
    """The workspace list, with its filters, in the matrix's format (.xlsx or .csv): the same
    columns as the matrix, so the file uploads back as it is (to the period it names)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = CommitmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period") or ReportingPeriod.objects.open_period()
    if period is None:
        raise Http404
    language = "en" if (get_language() or "es").startswith("en") else "es"
    ids = list(
        workspace_list(filters, filters.get("period"), request.user).values_list("pk", flat=True)
    )
    order = {pk: position for position, pk in enumerate(ids)}
    before = period.previous()
    commitments = sorted(
        matrix_commitments(period, before, Commitment.objects.filter(pk__in=ids)),
        key=lambda c: order[c.pk],
    )
    if fmt == "csv":
        data, content_type = (
            build_matrix_csv(commitments, period, language, request.user),
            CSV_CONTENT_TYPE,
        )
    else:
        countries = sorted({c.country for c in commitments}, key=lambda c: c.iso3)
        data = build_matrix(
            countries,
            period,
            language,
            request.user,
            commitments=commitments,
            demo=demo_data_present(),
        )
        content_type = XLSX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="commitments-{period.code}.{fmt}"'
    return response
