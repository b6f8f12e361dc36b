from rest_framework import serializers

from commitments.models import FocusArea, Pillar


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["number", "name_en", "name_es", "description_en", "description_es"]


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["code", "name_en", "name_es"]


class AreaCountSerializer(serializers.Serializer):
    focus_area = serializers.CharField()
    stated = serializers.IntegerField(allow_null=True)
    loaded = serializers.IntegerField()
    matches = serializers.BooleanField()


class PlanSerializer(serializers.Serializer):
    """A plan with its stated commitment counts beside the loaded ones (data quality)."""

    country = serializers.CharField(source="plan.country.iso3")
    edition = serializers.CharField(source="plan.edition")
    starts_on = serializers.DateField(
        source="plan.starts_on", help_text="The first day this edition is in force."
    )
    ends_on = serializers.DateField(
        allow_null=True,
        help_text="The last day it is in force: the day before the country's next edition "
        "starts (null: no later edition).",
    )
    in_force = serializers.BooleanField(help_text="The edition in force today.")
    title_en = serializers.CharField(source="plan.title_en")
    summary_en = serializers.CharField(source="plan.summary_en")
    stated_total = serializers.IntegerField(allow_null=True)
    loaded_total = serializers.IntegerField()
    matches = serializers.BooleanField()
    by_focus_area = AreaCountSerializer(many=True)
