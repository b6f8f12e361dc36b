from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.models import FocusArea
from countries.models import Country
from reports import progress
from reports.cache import cache_get, cache_set, cached
from reports.dashboard import lang
from statuses.selectors import periods_and_demo_flag


class ProgressQuerySerializer(serializers.Serializer):
    by = serializers.CharField(required=False, allow_blank=True, default="")
    period = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, allow_blank=True, default="")
    pillar = serializers.IntegerField(required=False, min_value=1, max_value=4, default=None)
    focus_area = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_by(self, value):
        try:
            return progress.parse_by(value)
        except progress.ProgressError as exc:  # the engine's own text is English: the reader's
            raise serializers.ValidationError(
                _("“by” must be a comma-separated list of %(names)s, without repeats.")
                % {"names": ", ".join(progress.DIMENSIONS)}
            ) from exc

    # The period is checked against every period, read by the view with the demo flag (one
    # query, ``periods_and_demo_flag``); a country or focus area, when given, by one query each.
    # Nothing here reads the reference data the pages cache (5 queries when the cache is cold).
    def validate_period(self, value):
        if not value:
            return None
        period = next((p for p in self.context["periods"] if p.code == value), None)
        if period is None:
            raise serializers.ValidationError(
                _("Unknown reporting period: %(code)s") % {"code": value}
            )
        return period

    def validate_country(self, value):
        if not value:
            return None
        value = value.upper()
        if not Country.objects.filter(iso3=value).exists():
            raise serializers.ValidationError(_("Unknown country: %(code)s") % {"code": value})
        return value

    def validate_focus_area(self, value):
        if not value:
            return None
        value = value.upper()
        if not FocusArea.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown focus area: %(code)s") % {"code": value})
        return value


class ProgressStatsSerializer(serializers.Serializer):
    """One figure (the schema of ``progress.Stats.as_dict``)."""

    commitments = serializers.IntegerField(help_text="Commitments in the group.")
    reported = serializers.IntegerField(
        help_text="Commitments with an approved status reported in the period or before."
    )
    coverage = serializers.FloatField(help_text="reported ÷ commitments (0 to 1), 'as of'.")
    progress = serializers.FloatField(
        allow_null=True,
        help_text="Mean of status × 20 % over the reported commitments, one decimal; "
        "null when none is reported.",
    )
    levels = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Commitments at each status, keys '0' to '5', and 'not_reported'.",
    )
    updated = serializers.IntegerField(
        allow_null=True,
        help_text="Updated in this period: commitments with an approved status reported in "
        "the period itself (a status carried from an earlier period is reported, not "
        "updated); null when no period is given.",
    )
    reporting_rate = serializers.FloatField(
        allow_null=True,
        help_text="updated ÷ commitments (0 to 1), beside coverage; null when no period is given.",
    )


class ProgressGroupSerializer(ProgressStatsSerializer):
    """A group's figure, with the keys of the dimensions it is grouped by."""

    pillar = serializers.IntegerField(required=False, help_text="With by=pillar.")
    country = serializers.CharField(required=False, help_text="ISO3 code, with by=country.")
    focus_area = serializers.CharField(required=False, help_text="With by=focus_area.")
    label = serializers.CharField()


class ProgressResultSerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    by = serializers.ListField(child=serializers.CharField())
    total = ProgressStatsSerializer()
    groups = ProgressGroupSerializer(many=True)
    demo_data = serializers.BooleanField(
        help_text="True when any synthetic demo status exists (the figures are not real)."
    )


PARAMETERS = [
    OpenApiParameter(
        "by",
        OpenApiTypes.STR,
        description="pillar, country, focus_area, or a "
        "comma-separated combination such as country,pillar; empty for the region",
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description="period code (e.g. 2024); the latest status of each commitment if absent",
    ),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO3 code"),
    OpenApiParameter("pillar", OpenApiTypes.INT, description="1 to 4"),
    OpenApiParameter("focus_area", OpenApiTypes.STR, description="PRO, JOB, SOC, EDU or HEA"),
]


class ProgressView(APIView):
    """Progress and coverage, grouped and filtered, as of a period.

    progress = mean of (status × 20 %) over reported commitments (null when none is reported);
    coverage = reported ÷ commitments; levels = count at each status and not reported;
    updated = commitments with an approved status reported in the period itself, and
    reporting_rate = updated ÷ commitments (freshness, beside the "as of" coverage).
    """

    @extend_schema(parameters=PARAMETERS, responses=ProgressResultSerializer)
    def get(self, request):
        # An answer already given for these very parameters (they were valid then) comes
        # straight from the figures cache, without validating them again.
        raw = [lang(), *sorted(request.query_params.lists())]
        data = cache_get("api-progress", raw)
        if data is not None:
            return Response(data)
        # Cold, the request makes 3 queries (with a country or focus area filter, 1 more each):
        # every period with the demo flag, the aggregate (the periods' ranks written into it:
        # no query of its own for them) and the members of the grouping's dimension.
        periods, demo = periods_and_demo_flag()
        query = ProgressQuerySerializer(data=request.query_params, context={"periods": periods})
        query.is_valid(raise_exception=True)
        params = query.validated_data

        def build():
            result = progress.compute(
                by=params["by"],
                period=params["period"],
                country=params["country"],
                pillar=params["pillar"],
                focus_area=params["focus_area"],
                periods=periods,
            )
            return {**result.as_dict(), "demo_data": demo}

        key = [
            lang(),
            ",".join(params["by"]),
            getattr(params["period"], "code", None),
            params["country"],
            params["pillar"],
            params["focus_area"],
        ]
        data = cached("api-progress-figures", key, build)
        cache_set("api-progress", raw, data)
        return Response(data)
