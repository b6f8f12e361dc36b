from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from commitments.models import FocusArea, Pillar
from commitments.selectors import data_quality
from commitments.serializers import FocusAreaSerializer, PillarSerializer, PlanSerializer


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


@extend_schema_view(list=extend_schema(summary="Plans with stated vs loaded commitment counts"))
class PlanViewSet(viewsets.ViewSet):
    """National plans, each with the commitment counts stated in the source beside the loaded
    ones, per focus area, so discrepancies in the source stay visible."""

    serializer_class = PlanSerializer

    def list(self, request, *args, **kwargs):
        return Response(PlanSerializer(data_quality(), many=True).data)
