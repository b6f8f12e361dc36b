"""The funding API (public, read only): quantifications with their lines and reconciliation,
funding lines, and sums by focus area, country or source. Amounts are decimal strings in USD;
every gap is requirement − funded, computed."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from commitments.models import FocusAreaCode
from funding import selectors
from funding.models import FundingLine, Quantification
from mirps.api_schema import ApiAutoSchema


def money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class AmountsSerializer(serializers.Serializer):
    requirement = money()
    funded = money()
    gap = money(help_text="requirement − funded, computed")
    gap_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text="Share of the requirement unfunded, 0-100 (one decimal).",
    )


class FundingLineSerializer(AmountsSerializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    year = serializers.IntegerField()
    quantification = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True, help_text="ISO3; null when not stated")
    focus_area = serializers.CharField(allow_null=True)
    focus_area_note = serializers.CharField()
    commitment = serializers.CharField(allow_null=True)
    label = serializers.CharField(
        help_text='The sector label, or "label not legible in the source".'
    )
    label_legible = serializers.BooleanField()
    label_completed = serializers.BooleanField(
        help_text="The printed label is cut off; label is our completion of label_as_printed."
    )
    label_as_printed = serializers.CharField()
    label_note = serializers.CharField()
    requirement_as_written = serializers.CharField()
    gap_as_written = serializers.CharField()
    document = serializers.CharField()
    section = serializers.CharField()
    quote = serializers.CharField()
    note = serializers.CharField()
    route = serializers.CharField()


class GroupSerializer(AmountsSerializer):
    key = serializers.CharField(allow_null=True, help_text="null: not attributed")
    label = serializers.CharField()
    lines = serializers.IntegerField()


class SourceSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    amount = money()


class ReconciliationSerializer(serializers.Serializer):
    stated = AmountsSerializer(help_text="The totals the source states (funded = req. − gap).")
    lines = AmountsSerializer(help_text="The sums of the lines.")
    requirement_difference = money(help_text="lines − stated")
    gap_difference = money(help_text="lines − stated")
    funded_difference = money(help_text="lines − stated")


class QuantificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    document = serializers.CharField()
    section = serializers.CharField()
    quote = serializers.CharField()
    requirement_as_written = serializers.CharField()
    gap_as_written = serializers.CharField()
    note = serializers.CharField()
    lines = FundingLineSerializer(many=True)
    reconciliation = ReconciliationSerializer()
    by_focus_area = GroupSerializer(many=True)
    by_country = GroupSerializer(many=True)
    by_source = SourceSerializer(many=True)


class QuantificationViewSet(viewsets.ViewSet):
    """Published quantifications: stated totals, each line (requirement, funded derived from
    the stated gap, gap computed; a lost label says so), and whether the lines add up."""

    lookup_field = "code"
    serializer_class = QuantificationSerializer

    @extend_schema(responses={200: QuantificationSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        data = [selectors.quantification_dict(q) for q in Quantification.objects.all()]
        return Response(QuantificationSerializer(data, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            200: QuantificationSerializer,
            404: OpenApiResponse(description="No quantification with this code."),
        },
    )
    def retrieve(self, request, code=None, *args, **kwargs):
        quantification = Quantification.objects.filter(code=code).first()
        if quantification is None:
            raise NotFound(_("No quantification with this code."))
        return Response(
            QuantificationSerializer(selectors.quantification_dict(quantification)).data
        )


class FundingLineFilter(django_filters.FilterSet):
    """The only filters clients may use on funding lines."""

    country = django_filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text=_("ISO3 code, e.g. GTM")
    )
    focus_area = django_filters.ChoiceFilter(
        field_name="focus_area__code", choices=FocusAreaCode.choices
    )
    year = django_filters.NumberFilter(field_name="year")
    quantification = django_filters.CharFilter(field_name="quantification__code")

    class Meta:
        model = FundingLine
        fields = ["country", "focus_area", "year", "quantification"]


@extend_schema(
    responses={
        200: FundingLineSerializer(many=True),
        400: OpenApiResponse(description="Invalid filter value."),
    }
)
class FundingLineViewSet(viewsets.GenericViewSet):
    """Funding lines with requirement, funded and gap (computed), newest year first."""

    serializer_class = FundingLineSerializer
    filterset_class = FundingLineFilter

    def get_queryset(self):
        return selectors.export_lines()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = [selectors.line_dict(line) for line in page]
        return self.get_paginated_response(FundingLineSerializer(rows, many=True).data)


class SummaryQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["focus_area", "country", "source"], default="focus_area")
    country = serializers.CharField(required=False, allow_blank=True, default="")
    year = serializers.IntegerField(required=False, default=None, min_value=1900, max_value=2100)
    quantification = serializers.CharField(required=False, allow_blank=True, default="")


class SummarySerializer(serializers.Serializer):
    by = serializers.CharField()
    totals = AmountsSerializer()
    groups = GroupSerializer(many=True, required=False)
    sources = SourceSerializer(many=True, required=False)


class OneObjectSchema(ApiAutoSchema):
    """The summary is one object, not a list, although the router calls its action ``list``."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class FundingSummaryViewSet(viewsets.ViewSet):
    """Requirement, funded and gap summed over the selected lines, by focus area, country or
    source (``by``); filters ``country`` (ISO3), ``year``, ``quantification`` (code)."""

    serializer_class = SummarySerializer
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=["focus_area", "country", "source"]),
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO3 code"),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("quantification", OpenApiTypes.STR, description="e.g. 2020"),
        ],
        responses={
            200: SummarySerializer,
            400: OpenApiResponse(description="Invalid parameter; messages by field."),
        },
    )
    def list(self, request, *args, **kwargs):
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = {}
        if params["country"]:
            filters["country__iso3"] = params["country"].upper()
        if params["year"]:
            filters["year"] = params["year"]
        if params["quantification"]:
            filters["quantification__code"] = params["quantification"]
        queryset = selectors.lines(**filters)
        body = {"by": params["by"], "totals": selectors.totals(queryset)}
        if params["by"] == "source":
            body["sources"] = selectors.by_source(queryset)
        else:
            body["groups"] = selectors.by_group(queryset, params["by"])
        return Response(SummarySerializer(body).data)
