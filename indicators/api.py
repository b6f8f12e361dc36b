"""The indicators API: the catalogue, the values (read per role; submit; review).

The same matrix as statuses: the public reads approved values; a national team member also
reads every value of their own countries and submits values for them (submitted for review);
the secretariat reads everything, records values that are approved at once, and approves or
returns submissions. Writes go through ``indicators.services``.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from commitments.models import FocusAreaCode
from countries.models import Country
from indicators import services
from indicators.models import Indicator, IndicatorValue, Qualifier
from mirps.api_errors import api_validation_error
from mirps.vocabulary import ReviewState, Route


class IndicatorSerializer(serializers.ModelSerializer):
    focus_area = serializers.CharField(source="focus_area.code", read_only=True)
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_en",
            "name_es",
            "unit",
            "definition_en",
            "definition_es",
            "focus_area",
            "pillar",
            "pillar_rationale",
            "higher_is_better",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text='The figure, as a decimal string (e.g. "31000"); never a float.',
    )
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, required=False, default="")
    period = serializers.CharField(source="period_display", read_only=True)
    # null when the author's account was deleted (the value stays)
    recorded_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    base_version = serializers.IntegerField(
        write_only=True,
        required=False,
        default=0,
        min_value=0,
        help_text=(
            "Optimistic concurrency: the id of the newest value of this indicator, country and "
            "period (start and end) you based yours on, 0 if there was none. If another value "
            "was recorded since, the request is refused with 409 and that value."
        ),
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "country",
            "value",
            "qualifier",
            "value_as_written",
            "period_start",
            "period_end",
            "period_label_en",
            "period_label_es",
            "period",
            "period_note",
            "source_document",
            "source_section",
            "source_url",
            "source_quote",
            "note",
            "route",
            "recorded_by",
            "created_at",
            "review_state",
            "review_comment",
            "reviewed_at",
            "base_version",
        ]
        read_only_fields = [
            "id",
            "period_note",
            "route",
            "created_at",
            "review_state",
            "review_comment",
            "reviewed_at",
        ]
        extra_kwargs = {
            "source_document": {"required": True},
            "period_start": {"required": False},
            "period_end": {"required": False},
        }


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="Why the value is returned (the team sees it).")


class IndicatorConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = IndicatorValueSerializer()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class IndicatorFilter(django_filters.FilterSet):
    """The only filters clients may use on the catalogue."""

    focus_area = django_filters.ChoiceFilter(
        field_name="focus_area__code", choices=FocusAreaCode.choices
    )
    pillar = django_filters.NumberFilter(field_name="pillar__number", help_text=_("1 to 4"))
    commitment = django_filters.CharFilter(
        field_name="commitment_links__commitment__code",
        help_text=_("Indicators linked to this commitment, e.g. GTM-JOB-01"),
    )

    class Meta:
        model = Indicator
        fields = ["focus_area", "pillar", "commitment"]


class IndicatorValueFilter(django_filters.FilterSet):
    """The only filters clients may use on values (no ORM lookups pass through)."""

    country = django_filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text=_("ISO3 code, e.g. GTM")
    )
    indicator = django_filters.CharFilter(field_name="indicator__code", lookup_expr="iexact")
    review_state = django_filters.ChoiceFilter(
        choices=ReviewState.choices,
        help_text=_("The public sees approved values only, whatever this says."),
    )

    class Meta:
        model = IndicatorValue
        fields = ["country", "indicator", "review_state"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue: what each indicator counts, its focus area and pillar, and
    whether a higher value is better (null for context figures)."""

    queryset = Indicator.objects.select_related("focus_area", "pillar")
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    filterset_class = IndicatorFilter
    pagination_class = None

    def get_queryset(self):
        return super().get_queryset().distinct()


FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not signed in, or not allowed.")


@extend_schema_view(
    list=extend_schema(
        summary="Indicator values (approved for the public; more for the workspace)",
        responses={
            200: IndicatorValueSerializer(many=True),
            400: OpenApiResponse(description="Invalid filter value."),
        },
    ),
    retrieve=extend_schema(
        responses={
            200: IndicatorValueSerializer,
            404: OpenApiResponse(description="No such value, or not visible to you."),
        },
    ),
    create=extend_schema(
        summary="Record an indicator value",
        description=(
            "The secretariat records for any country (approved at once); a national team "
            "member for their own countries (submitted for review)."
        ),
        responses={
            201: IndicatorValueSerializer,
            400: OpenApiResponse(description="A rule is broken; messages by field."),
            401: FORBIDDEN,
            403: FORBIDDEN,
            409: OpenApiResponse(
                IndicatorConflictSerializer, description="A newer value exists for this slot."
            ),
        },
    ),
)
class IndicatorValueViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Indicator values with their source and review state, per role (see the module)."""

    serializer_class = IndicatorValueSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = IndicatorValueFilter

    def get_queryset(self):
        return (
            IndicatorValue.objects.visible_to(self.request.user)
            .select_related("indicator", "country", "created_by")
            .chronological()
        )

    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except services.Conflict as conflict:
            return Response(
                {
                    "detail": str(conflict),
                    "current": IndicatorValueSerializer(conflict.current).data,
                },
                status=409,
            )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.submit_indicator_value(
                indicator=data.pop("indicator"),
                country=data.pop("country"),
                value=data.pop("value"),
                base_version=data.pop("base_version", 0),
                user=self.request.user,
                source=Route.API,
                **data,
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None

    def _review(self, request, approve: bool, comment: str = ""):
        value = self.get_object()
        try:
            services.review_values(
                values=[value], user=request.user, approve=approve, comment=comment, route=Route.API
            )
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=409)
        value.refresh_from_db()
        return Response(IndicatorValueSerializer(value).data)

    @extend_schema(
        summary="Approve a submitted value (secretariat)",
        request=None,
        responses={
            200: IndicatorValueSerializer,
            401: FORBIDDEN,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such value."),
            409: OpenApiResponse(ErrorSerializer, description="Not awaiting review."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def approve(self, request, pk=None):
        return self._review(request, approve=True)

    @extend_schema(
        summary="Return a submitted value with a comment (secretariat)",
        request=ReturnSerializer,
        responses={
            200: IndicatorValueSerializer,
            400: OpenApiResponse(description="The comment is missing."),
            401: FORBIDDEN,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such value."),
            409: OpenApiResponse(ErrorSerializer, description="Not awaiting review."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[permissions.IsAuthenticated],
    )
    def return_(self, request, pk=None):
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._review(request, approve=False, comment=body.validated_data["comment"])
