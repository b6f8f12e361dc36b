from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from countries.models import Country

from ..models import (
    Commitment,
    FocusArea,
    Pillar,
    ReportingPeriod,
    Source,
    SpreadsheetUpload,
    Status,
    StatusUpdate,
)


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["iso3", "name_en", "name_es"]


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["number", "name_en", "name_es", "description_en", "description_es"]


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["code", "name_en", "name_es"]


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
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, obj) -> int | None:
        return obj.days_left()


class AreaCountSerializer(serializers.Serializer):
    focus_area = serializers.CharField()
    stated = serializers.IntegerField(allow_null=True)
    loaded = serializers.IntegerField()
    matches = serializers.BooleanField()


class PlanSerializer(serializers.Serializer):
    """A plan with its stated commitment counts beside the loaded ones (data quality)."""

    country = serializers.CharField(source="plan.country.iso3")
    edition = serializers.CharField(source="plan.edition")
    title_en = serializers.CharField(source="plan.title_en")
    summary_en = serializers.CharField(source="plan.summary_en")
    stated_total = serializers.IntegerField(allow_null=True)
    loaded_total = serializers.IntegerField()
    matches = serializers.BooleanField()
    by_focus_area = AreaCountSerializer(many=True)


class StatusFieldsMixin(serializers.Serializer):
    """The status as of the requested period, read from ``Commitment.objects.with_status``."""

    status = serializers.IntegerField(source="current_status", allow_null=True, read_only=True)
    status_label = serializers.SerializerMethodField()
    status_period = serializers.CharField(source="current_period", allow_null=True, read_only=True)
    status_demo = serializers.SerializerMethodField(
        help_text="True when the status shown is synthetic demo data."
    )

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, obj) -> str:
        if obj.current_status is None:
            return str(_("Not reported"))
        return str(Status(obj.current_status).label)

    def get_status_demo(self, obj) -> bool:
        return obj.current_source == Source.DEMO


class CommitmentSerializer(StatusFieldsMixin, serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)
    focus_area = serializers.CharField(source="focus_area.code", read_only=True)
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)
    plan = serializers.CharField(source="plan.edition", read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "code",
            "country",
            "focus_area",
            "pillar",
            "plan",
            "text",
            "text_es",
            "status",
            "status_label",
            "status_period",
            "status_demo",
        ]


class StatusUpdateSerializer(serializers.ModelSerializer):
    commitment = serializers.SlugRelatedField(slug_field="code", queryset=Commitment.objects.all())
    period = serializers.SlugRelatedField(slug_field="code", queryset=ReportingPeriod.objects.all())
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    recorded_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    base_version = serializers.IntegerField(
        write_only=True,
        required=False,
        default=0,
        min_value=0,
        help_text=(
            "Optimistic concurrency: the id of the newest status update for this commitment "
            "and period you based your change on (0 if there was none). If someone else has "
            "recorded one since, the request is refused with 409 and their change."
        ),
    )

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "commitment",
            "period",
            "status",
            "status_label",
            "narrative",
            "evidence_url",
            "recorded_by",
            "created_at",
            "source",
            "review_state",
            "review_comment",
            "late",
            "base_version",
        ]
        read_only_fields = [
            "id",
            "created_at",
            "source",
            "review_state",
            "review_comment",
            "late",
        ]
        extra_kwargs = {
            "late": {
                "help_text": "Recorded after the period's submission deadline (accepted anyway)."
            }
        }


class CommitmentDetailSerializer(CommitmentSerializer):
    pillar_rationale = serializers.CharField(
        read_only=True, help_text="Why this pillar, in English."
    )
    pillar_rationale_es = serializers.CharField(
        read_only=True, help_text="Why this pillar, in Spanish (our working translation)."
    )
    history = StatusUpdateSerializer(source="updates", many=True, read_only=True)

    class Meta(CommitmentSerializer.Meta):
        fields = CommitmentSerializer.Meta.fields + [
            "pillar_rationale",
            "pillar_rationale_es",
            "history",
        ]


class IndicatorChangeSerializer(serializers.Serializer):
    """An indicator value the upload's indicators sheet would record (and ``apply`` records:
    submitted for review when a national team applies, approved for the secretariat)."""

    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField(help_text="The column of the new value, e.g. J.")
    ref = serializers.CharField(help_text='"Indicadores!5": sheet and row.')
    indicator = serializers.CharField(help_text="The indicator's code.")
    name = serializers.DictField(child=serializers.CharField(), help_text="en, es")
    country = serializers.CharField(help_text="ISO3 code.")
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    period_label_en = serializers.CharField(allow_blank=True)
    period_label_es = serializers.CharField(allow_blank=True)
    old = serializers.CharField(allow_null=True, help_text="The newest value of the slot.")
    old_state = serializers.CharField(allow_null=True)
    new = serializers.CharField(help_text="The new value, a decimal as text.")
    source_document = serializers.CharField(allow_blank=True)
    source_section = serializers.CharField(allow_blank=True)
    source_url = serializers.CharField(allow_blank=True)
    source_quote = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    base_version = serializers.IntegerField(allow_null=True)


class SpreadsheetUploadSerializer(serializers.ModelSerializer):
    """An upload with its preview. Every message in ``preview`` (``problems``, ``ignored``,
    ``file_problems``, each sheet's ``notes``) is a ``code`` with ``params`` plus its
    ``message`` rendered in the request's language (``Accept-Language``)."""

    uploaded_by = serializers.CharField(
        source="user.username", read_only=True, default=None, allow_null=True
    )
    period = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    outcome = serializers.SerializerMethodField()
    indicator_changes = serializers.SerializerMethodField()
    preview = serializers.SerializerMethodField()

    class Meta:
        model = SpreadsheetUpload
        fields = [
            "id",
            "original_name",
            "size",
            "uploaded_by",
            "created_at",
            "period",
            "state",
            "changed",
            "unchanged",
            "problems",
            "applied",
            "indicators_applied",
            "mode",
            "skipped",
            "outcome",
            "outcome_code",
            "outcome_params",
            "finished_at",
            "columns",
            "indicator_changes",
            "preview",
        ]
        read_only_fields = fields

    def get_outcome(self, obj) -> str:
        return obj.outcome_message()

    @extend_schema_field(IndicatorChangeSerializer(many=True))
    def get_indicator_changes(self, obj) -> list:
        """The indicators sheet's changes (also in ``preview.indicator_changes``)."""
        return (obj.preview or {}).get("indicator_changes", [])

    @extend_schema_field(serializers.JSONField())
    def get_preview(self, obj) -> dict:
        from ..spreadsheets.messages import localise_preview

        return localise_preview(obj.preview or {})


class UploadPeriodField(serializers.SlugRelatedField):
    """A period by its code; a locked one is refused with the reason, not "does not exist"."""

    def to_internal_value(self, data):
        period = super().to_internal_value(data)
        if period.locked:
            from ..spreadsheets.messages import render

            raise serializers.ValidationError(render("period_locked", {"period": period.code}))
        return period


class SpreadsheetUploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The monitoring matrix (or a sheet of your own), .xlsx, .ods or .csv, up to 5 MB."
    )
    period = UploadPeriodField(
        slug_field="code",
        queryset=ReportingPeriod.objects.all(),
        error_messages={"does_not_exist": _("Unknown reporting period: {value}")},
    )


class ApplySerializer(serializers.Serializer):
    confirm = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        default=list,
        help_text='Close text matches you confirm: their "ref" ("Matriz!12") or row number.',
    )


class CurrentUpdateSerializer(serializers.Serializer):
    """The newest row for the commitment and period, recorded since the client's version."""

    id = serializers.IntegerField()
    status = serializers.IntegerField()
    narrative = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    review_state = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """409: someone recorded a newer status since ``base_version``; nothing was written."""

    detail = serializers.CharField()
    current = CurrentUpdateSerializer()


class ApplyRefusedSerializer(serializers.Serializer):
    """409: the upload cannot be applied (already applied, cancelled, problems listed, stale) or
    its columns cannot be changed any more; nothing was written."""

    detail = serializers.CharField()
    code = serializers.CharField(allow_null=True, required=False)
    upload = SpreadsheetUploadSerializer(required=False)


class ColumnsSerializer(serializers.Serializer):
    """The person's correction of which column is which, for one sheet of the preview."""

    sheet = serializers.CharField(
        required=False,
        help_text="The sheet's name (default: the first sheet with data in the preview).",
    )
    columns = serializers.DictField(
        child=serializers.CharField(allow_null=True, allow_blank=True, max_length=3),
        help_text='Column key → column letter, e.g. {"narrative": "D", "evidence_url": null} '
        "(null or empty: not in the file). Keys of a status sheet: code, text, status, "
        "narrative, evidence_url, version. Keys of an indicators sheet: indicator, country, "
        "indicator_name, period, period_start, period_end, new_value, source_document, "
        "source_section, source_quote, comment, version.",
    )

    def validate(self, data):
        from openpyxl.utils import column_index_from_string

        from ..spreadsheets.formats import INDICATOR_USED, USED

        choice = {}
        for key, letter in data["columns"].items():
            if key not in USED and key not in INDICATOR_USED:
                raise serializers.ValidationError(
                    {"columns": [_("Unknown column key: %(key)s") % {"key": key}]}
                )
            if not letter:
                choice[key] = None
                continue
            try:
                choice[key] = column_index_from_string(letter.strip().upper()) - 1
            except ValueError:
                raise serializers.ValidationError(
                    {"columns": [_("Not a column letter: %(value)s") % {"value": letter}]}
                ) from None
        data["choice"] = choice
        return data
