"""Spreadsheet round trip pages: download the matrix, upload, preview, apply, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countries.models import Country
from mirps.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, rows_to_csv, rows_to_xlsx

from . import selectors
from .forms import CommitmentFilterForm, TemplateForm, UploadForm
from .models import SpreadsheetUpload, Status
from .permissions import can_record, is_secretariat, member_country_ids
from .spreadsheets import importer
from .spreadsheets.reading import MAX_BYTES
from .spreadsheets.template import build_matrix
from .views import _default_period, workspace_view


def _visible_uploads(user):
    uploads = SpreadsheetUpload.objects.select_related("user", "period")
    return uploads if is_secretariat(user) else uploads.filter(user=user)


@workspace_view
def spreadsheets(request):
    """Download the matrix, upload a filled one, and the upload history."""
    own = member_country_ids(request.user)
    default_period = _default_period()
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
                messages.error(request, record.outcome)
            return redirect("spreadsheet-upload", pk=record.pk)
    history = Paginator(_visible_uploads(request.user), 20).get_page(request.GET.get("page"))
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
    if not all(can_record(request.user, c.pk) for c in countries):
        raise PermissionDenied(_("You may download the matrix of your own country only."))
    period = form.cleaned_data["period"]
    data = build_matrix(countries, period, form.cleaned_data["language"], request.user)
    name = "-".join(c.iso3 for c in countries) if len(countries) < 4 else "MIRPS"
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="matrix-{name}-{period.code}.xlsx"'
    return response


@workspace_view
def upload_detail(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    preview = upload.preview or {}
    changes = preview.get("changes", [])
    labels = dict(Status.choices)
    return render(
        request,
        "commitments/upload.html",
        {
            "upload": upload,
            "preview": preview,
            "changes": changes,
            "close": [c for c in changes if c["match"] == "close"],
            "labels": labels,
            "can_apply": upload.state == SpreadsheetUpload.State.PREVIEWED
            and not preview.get("file_problems")
            and bool(changes),
        },
    )


@require_POST
@workspace_view
def upload_apply(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    if request.POST.get("action") == "cancel":
        importer.cancel(upload, user=request.user)
        messages.info(request, _("Upload cancelled: nothing was written."))
        return redirect("spreadsheets")
    confirmed = {int(r) for r in request.POST.getlist("confirm") if r.isdigit()}
    try:
        count = importer.apply(upload, user=request.user, confirmed=confirmed)
    except ValidationError as exc:
        messages.error(
            request, _("Nothing was written. %(reason)s") % {"reason": " ".join(exc.messages)}
        )
    else:
        if is_secretariat(request.user):
            messages.success(request, _("%(n)d statuses recorded and approved.") % {"n": count})
        else:
            messages.success(request, _("%(n)d statuses submitted for review.") % {"n": count})
    return redirect("spreadsheet-upload", pk=upload.pk)


@workspace_view
def upload_file(request, pk):
    upload = get_object_or_404(_visible_uploads(request.user), pk=pk)
    if not upload.file:
        raise Http404
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name)


@workspace_view
def export_commitments(request, fmt):
    """The workspace list, with its filters, as .xlsx or .csv."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = CommitmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period")
    rows = selectors.workspace_list(filters, period, request.user)
    header = [
        _("Code"),
        _("Country"),
        _("Focus area"),
        _("Pillar"),
        _("Commitment"),
        _("Status"),
        _("Status label"),
        _("Period of the status"),
        _("Awaiting review"),
    ]
    labels = dict(Status.choices)
    data = [
        [
            c.code,
            c.country.iso3,
            c.focus_area.code,
            c.pillar.number,
            c.text,
            c.current_status,
            labels.get(c.current_status, _("Not reported")),
            c.current_period or "",
            _("yes") if c.has_pending else "",
        ]
        for c in rows
    ]
    stamp = period.code if period else "latest"
    if fmt == "csv":
        response = HttpResponse(rows_to_csv(header, data), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(
            rows_to_xlsx([(str(_("Commitments")), header, data)]), content_type=XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="commitments-{stamp}.{fmt}"'
    return response
