from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from countries.models import Country

from .. import selectors, services
from ..models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    Source,
    SpreadsheetUpload,
    StatusUpdate,
)
from ..permissions import can_use_workspace, is_secretariat
from ..spreadsheets import importer
from ..spreadsheets.formats import INDICATOR_USED, USED
from ..spreadsheets.reading import MAX_BYTES
from .filters import CommitmentFilter, StatusUpdateFilter
from .serializers import (
    ApplyRefusedSerializer,
    ApplySerializer,
    ColumnsSerializer,
    CommitmentDetailSerializer,
    CommitmentSerializer,
    ConflictSerializer,
    CountrySerializer,
    FocusAreaSerializer,
    PeriodSerializer,
    PillarSerializer,
    PlanSerializer,
    SpreadsheetUploadCreateSerializer,
    SpreadsheetUploadSerializer,
    StatusUpdateSerializer,
)


def period_from_request(request) -> ReportingPeriod | None:
    """The ``period`` query parameter as a period (None if absent); 400 if unknown."""
    code = request.query_params.get("period", "").strip()
    if not code:
        return None
    try:
        return ReportingPeriod.objects.get(code=code)
    except ReportingPeriod.DoesNotExist:
        raise ValidationError(
            {"period": [_("Unknown reporting period: %(code)s") % {"code": code}]}
        ) from None


def visible_updates(user):
    """What ``user`` may read (``StatusUpdate.objects.visible_to``): everything for the
    secretariat, a team's own countries in full, approved rows of every other country."""
    return StatusUpdate.objects.visible_to(user).select_related(
        "commitment", "period", "created_by"
    )


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    lookup_field = "iso3"
    pagination_class = None


class PillarViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Pillar.objects.all()
    serializer_class = PillarSerializer
    lookup_field = "number"
    pagination_class = None


class FocusAreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = FocusArea.objects.all()
    serializer_class = FocusAreaSerializer
    lookup_field = "code"
    pagination_class = None


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReportingPeriod.objects.all()
    serializer_class = PeriodSerializer
    lookup_field = "code"
    pagination_class = None


@extend_schema_view(list=extend_schema(summary="Plans with stated vs loaded commitment counts"))
class PlanViewSet(viewsets.ViewSet):
    """National plans, each with the commitment counts stated in the source beside the loaded
    ones, per focus area, so discrepancies in the source stay visible."""

    serializer_class = PlanSerializer

    def list(self, request, *args, **kwargs):
        return Response(PlanSerializer(selectors.data_quality(), many=True).data)


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Commitments with their status as of ``period`` (the latest status if no period)."""

    lookup_field = "code"
    filterset_class = CommitmentFilter

    def get_queryset(self):
        period = period_from_request(self.request)
        queryset = Commitment.objects.select_related("country", "focus_area", "pillar", "plan")
        queryset = queryset.with_status(period)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("updates", queryset=visible_updates(self.request.user))
            )
        return queryset

    def get_serializer_class(self):
        return CommitmentDetailSerializer if self.action == "retrieve" else CommitmentSerializer


class StatusUpdateViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Status history (approved rows for the public, all rows for the workspace) and recording
    a new status: the secretariat for any country (approved at once), a national team member
    for their own country (submitted for review)."""

    serializer_class = StatusUpdateSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = StatusUpdateFilter

    def get_queryset(self):
        return visible_updates(self.request.user)

    @extend_schema(responses={201: StatusUpdateSerializer, 409: ConflictSerializer})
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except services.Conflict as conflict:
            current = conflict.current
            return Response(
                {
                    "detail": str(conflict),
                    "current": {
                        "id": current.pk,
                        "status": current.status,
                        "narrative": current.narrative,
                        "recorded_by": current.created_by.get_username()
                        if current.created_by
                        else None,
                        "created_at": current.created_at.isoformat(),
                        "review_state": current.review_state,
                    },
                },
                status=409,
            )

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.record_status(
                commitment=data["commitment"],
                period=data["period"],
                status=data["status"],
                narrative=data.get("narrative", ""),
                evidence_url=data.get("evidence_url", ""),
                user=self.request.user,
                source=Source.API,
                base_version=data.get("base_version", 0),
            )
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise ValidationError({"non_field_errors": exc.messages}) from None
            errors = dict(exc.message_dict)
            if NON_FIELD_ERRORS in errors:
                errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
            raise ValidationError(errors) from None


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
        return uploads if is_secretariat(user) else uploads.filter(user=user)

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
            source=Source.API,
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
