"""Plan editions in the API (issue 22), secretariat only: upload an edition sheet for its
preview (nothing written), apply it (all or nothing, audited), and download the template
pre-filled with a country's current edition. The same service as the command and the page
(``commitments.editions``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from commitments.editions import EditionRefused, apply_edition, preview_edition
from commitments.models import ORIGINAL_LANGUAGES
from countries.models import Country
from countries.permissions import is_secretariat
from mirps.parsers import JSONParser
from mirps.vocabulary import Route
from spreadsheets.edition_sheet import (
    SheetUnreadable,
    build_edition_template,
    build_edition_template_csv,
    read_edition_sheet,
)
from spreadsheets.reading import MAX_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IsSecretariat(permissions.BasePermission):
    message = gettext_lazy("Only the secretariat may do this.")

    def has_permission(self, request, view):
        return is_secretariat(request.user)


class EditionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The edition sheet, .xlsx, .xls, .ods or .csv, up to 5 MB: columns code, focus "
        "area, pillar, text in English, text in Spanish, responsible institution (optional), "
        "replaces (predecessor codes separated by ';')."
    )
    country = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), help_text="ISO3 code, e.g. BLZ"
    )
    edition = serializers.CharField(max_length=20, help_text="The edition's name, e.g. 2024-2026")
    starts_on = serializers.DateField(help_text="The first day the edition is in force.")
    original_language = serializers.ChoiceField(
        choices=ORIGINAL_LANGUAGES,
        default="en",
        help_text="Which text column is the plan's own (the other is a translation).",
    )
    title_en = serializers.CharField(max_length=200, required=False, default="")
    title_es = serializers.CharField(max_length=200, required=False, default="")


class PlannedCommitmentSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    code = serializers.CharField()
    focus_area = serializers.CharField(allow_null=True)
    pillar = serializers.IntegerField(allow_null=True)
    text_en = serializers.CharField(allow_blank=True)
    text_es = serializers.CharField(allow_blank=True)
    responsible_institution = serializers.CharField(allow_blank=True)
    replaces = serializers.ListField(child=serializers.CharField())
    lineage = serializers.ChoiceField(choices=["new", "continued", "reworded", "split", "merged"])


class ClosingSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class EditionProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The sheet's row; null: the sheet")
    code = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(
        help_text="unknown_predecessor, predecessor_other_country, predecessor_other_edition, "
        "duplicate_code, code_taken, code_format, code_country, code_focus_area, focus_area, "
        "pillar, text_missing, text_too_long, institution_too_long, edition_exists, "
        "edition_not_latest, edition_name, empty, language"
    )
    message = serializers.CharField()


class EditionPreviewSerializer(serializers.Serializer):
    country = serializers.CharField()
    edition = serializers.CharField()
    starts_on = serializers.DateField()
    original_language = serializers.CharField()
    previous_edition = serializers.CharField(allow_null=True)
    can_apply = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    commitments = PlannedCommitmentSerializer(many=True)
    closing = ClosingSerializer(many=True, help_text="Previous commitments nothing continues.")
    problems = EditionProblemSerializer(many=True)


class EditionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PlanEditionViewSet(viewsets.GenericViewSet):
    """New editions of the national plans, all or nothing (secretariat only)."""

    permission_classes = [IsSecretariat]
    # JSON too, so that a malformed body is refused as everywhere (mirps.parsers); the file
    # itself comes as multipart
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = EditionUploadSerializer

    def _read(self, request):
        form = EditionUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than 5 MB.")]})
        try:
            rows = read_edition_sheet(upload.read(), form.validated_data["original_language"])
        except SheetUnreadable as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        data = form.validated_data
        return data, {
            "country": data["country"],
            "edition": data["edition"],
            "starts_on": data["starts_on"],
            "rows": rows,
            "original_language": data["original_language"],
        }

    @extend_schema(
        summary="Preview an edition sheet (writes nothing)",
        request={"multipart/form-data": EditionUploadSerializer},
        responses={200: EditionPreviewSerializer},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Every commitment with its lineage, the previous commitments that will close, and
        the problems by row. Nothing is written."""
        _data, arguments = self._read(request)
        return Response(preview_edition(**arguments).as_dict())

    @extend_schema(
        summary="Apply an edition sheet, all or nothing",
        request={"multipart/form-data": EditionUploadSerializer},
        responses={
            201: EditionPreviewSerializer,
            409: OpenApiResponse(
                EditionPreviewSerializer, description="The sheet has problems: nothing written."
            ),
        },
    )
    def create(self, request):
        """The preview made again and applied: the edition, its commitments and their lineage,
        audited. Refused (409, with the preview) while it lists any problem."""
        data, arguments = self._read(request)
        try:
            _plan, preview = apply_edition(
                **arguments,
                user=request.user,
                title_en=data["title_en"],
                title_es=data["title_es"],
                route=Route.API,
            )
        except EditionRefused as refused:
            return Response(refused.preview.as_dict(), status=409)
        return Response(preview.as_dict(), status=201)

    @extend_schema(
        summary="The template for a new edition",
        parameters=[
            OpenApiParameter("country", str, required=True, description="ISO3 code, e.g. BLZ"),
            OpenApiParameter(
                "year", int, description="Year of the new edition (codes ISO3yy-AREA-NN)"
            ),
            OpenApiParameter("file_type", str, enum=["xlsx", "csv"], description="Default xlsx"),
            OpenApiParameter("language", str, enum=["en", "es"], description="Header language"),
        ],
        responses={
            (200, XLSX): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            400: EditionErrorSerializer,
        },
    )
    @action(detail=False, methods=["get"], url_name="api-template")
    def template(self, request):
        """The country's current edition, a row per commitment replacing itself."""
        country = Country.objects.filter(iso3=(request.GET.get("country") or "").upper()).first()
        if country is None:
            return Response({"detail": _("Name a country (ISO3).")}, status=400)
        year = request.GET.get("year") or str(timezone.localdate().year)
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            return Response({"detail": _("The year is 2000 to 2100.")}, status=400)
        language = request.GET.get("language") if request.GET.get("language") == "es" else "en"
        if request.GET.get("file_type") == "csv":
            content = build_edition_template_csv(country, year=int(year), language=language)
            kind, extension = "text/csv", "csv"
        else:
            content = build_edition_template(country, year=int(year), language=language)
            kind, extension = XLSX, "xlsx"
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = (
            f'attachment; filename="edition-{country.iso3}-{year}.{extension}"'
        )
        return response
