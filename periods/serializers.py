"""Reporting periods in the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from periods.models import ReportingPeriod


class PeriodSerializer(serializers.ModelSerializer):
    """A period with its reporting calendar: deadlines (null when not set) and the days left
    until the submission deadline (0 on the day, negative after it; null when none is set)."""

    days_left = serializers.SerializerMethodField(
        help_text="Days from today to the submission deadline: 0 on the day, negative after "
        "it (statuses are still accepted then, and marked late); null when none is set."
    )

    class Meta:
        model = ReportingPeriod
        fields = [
            "code",
            "kind",
            "start_date",
            "end_date",
            "locked",
            "submission_deadline",
            "review_deadline",
            "days_left",
            "figures_as_of",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, obj) -> int | None:
        return obj.days_left()
