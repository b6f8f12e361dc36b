"""Spreadsheet uploads in the API: upload, preview, correct columns, apply."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from countries.permissions import can_use_workspace, is_secretariat
from mirps.parsers import JSONParser
from mirps.vocabulary import Route
from spreadsheets import importer
from spreadsheets.formats import INDICATOR_USED, USED
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import MAX_BYTES
from spreadsheets.serializers import (
    ApplyRefusedSerializer,
    ApplySerializer,
    ColumnsSerializer,
    SpreadsheetUploadCreateSerializer,
    SpreadsheetUploadListSerializer,
    SpreadsheetUploadSerializer,
)


class SpreadsheetUploadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Upload a monitoring matrix (multipart ``file`` and ``period``) to get its preview;
    nothing is written until ``apply``, which writes every change or none (refused while the
    preview lists a problem), or ``apply-valid-rows``, which skips the listed rows and records
    that choice. ``columns`` corrects which column is which. National teams see their own
    uploads, the secretariat all of them."""

    serializer_class = SpreadsheetUploadSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        user = self.request.user
        if not can_use_workspace(user):
            return SpreadsheetUpload.objects.none()
        uploads = SpreadsheetUpload.objects.select_related("user", "period")
        if self.action == "list":  # the list never carries previews: only the detail
            uploads = uploads.defer("preview")
        return uploads if is_secretariat(user) else uploads.filter(user=user)

    def get_serializer_class(self):
        if self.action == "list":
            return SpreadsheetUploadListSerializer
        return SpreadsheetUploadSerializer

    @extend_schema(
        request=SpreadsheetUploadCreateSerializer,
        # 400 with the upload record when the file is rejected (its outcome says why)
        responses={201: SpreadsheetUploadSerializer, 400: SpreadsheetUploadSerializer},
    )
    def create(self, request):
        if not can_use_workspace(request.user):
            raise PermissionDenied(_("Your account has no role in the workspace yet."))
        form = SpreadsheetUploadCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than 5 MB.")]})
        record = importer.create_upload(
            data=upload.read(),
            name=upload.name,
            user=request.user,
            period=form.validated_data["period"],
            source=Route.API,
        )
        status_code = 201 if record.state != SpreadsheetUpload.State.REJECTED else 400
        return Response(self._data(record), status=status_code)

    def _data(self, upload):
        return SpreadsheetUploadSerializer(upload, context=self.get_serializer_context()).data

    def _apply(self, request, *, skip_problems: bool):
        upload = self.get_object()
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            importer.apply(
                upload,
                user=request.user,
                confirmed=set(body.validated_data["confirm"]),
                skip_problems=skip_problems,
            )
        except DjangoValidationError as exc:
            upload.refresh_from_db()
            return Response(
                {
                    "detail": " ".join(exc.messages),
                    "code": getattr(exc, "code", None),
                    "upload": self._data(upload),
                },
                status=409,
            )
        upload.refresh_from_db()
        return Response(self._data(upload))

    @extend_schema(
        request=ApplySerializer,
        responses={200: SpreadsheetUploadSerializer, 409: ApplyRefusedSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Write every change of the preview, or nothing: refused (409) while the preview lists
        any problem or an unconfirmed close match."""
        return self._apply(request, skip_problems=False)

    @extend_schema(
        request=ApplySerializer,
        responses={200: SpreadsheetUploadSerializer, 409: ApplyRefusedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="apply-valid-rows")
    def apply_valid_rows(self, request, pk=None):
        """Write the valid rows and skip the rows the preview lists as problems (and close
        matches not confirmed). The upload records this choice (``mode``, ``skipped``)."""
        return self._apply(request, skip_problems=True)

    @extend_schema(
        request=ColumnsSerializer,
        responses={200: SpreadsheetUploadSerializer, 409: ApplyRefusedSerializer},
    )
    @action(detail=True, methods=["post"])
    def columns(self, request, pk=None):
        """Correct which column is which and read the kept file again (a new preview)."""
        upload = self.get_object()
        body = ColumnsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        described = (upload.preview or {}).get("columns", {})
        sheets = list(described)
        sheet = body.validated_data.get("sheet") or (sheets[0] if sheets else None)
        if sheet not in sheets:
            raise ValidationError(
                {"sheet": [_("No such sheet in this preview: %(name)s") % {"name": sheet}]}
            )
        # an indicators sheet has its own columns (and a status sheet its own)
        used = INDICATOR_USED if described[sheet].get("kind") == "indicators" else USED
        wrong = sorted(set(body.validated_data["choice"]) - set(used))
        if wrong:
            raise ValidationError(
                {
                    "columns": [
                        _("Not a column of this sheet: %(keys)s") % {"keys": ", ".join(wrong)}
                    ]
                }
            )
        try:
            importer.correct_columns(
                upload, user=request.user, columns={sheet: body.validated_data["choice"]}
            )
        except DjangoValidationError as exc:
            return Response(
                {"detail": " ".join(exc.messages), "code": getattr(exc, "code", None)},
                status=409,
            )
        upload.refresh_from_db()
        return Response(self._data(upload))

    @extend_schema(request=None, responses={200: SpreadsheetUploadSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        upload = self.get_object()
        importer.cancel(upload, user=request.user)
        upload.refresh_from_db()
        return Response(self._data(upload))
