"""Spreadsheet uploads in the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from openpyxl.utils import column_index_from_string
from rest_framework import serializers

from periods.models import ReportingPeriod
from spreadsheets.formats import INDICATOR_USED, USED
from spreadsheets.messages import MESSAGES as UPLOAD_MESSAGES
from spreadsheets.messages import localise_preview, render
from spreadsheets.models import SpreadsheetUpload


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


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as "" when there is none yet, answered as null: the schema's enum never
    holds "" (an upload not yet applied has no ``mode``)."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class SpreadsheetUploadSerializer(serializers.ModelSerializer):
    """An upload with its preview. Every message in ``preview`` (``problems``, ``ignored``,
    ``file_problems``, each sheet's ``notes``) is a ``code`` with ``params`` plus its
    ``message`` rendered in the request's language (``Accept-Language``), and each change
    names its commitment's text in that language (``text_shown``; ``text_shown_is_translation``
    when it is our Spanish working translation, ``text`` and ``text_es`` beside it)."""

    uploaded_by = serializers.CharField(
        source="user.username", read_only=True, default=None, allow_null=True
    )
    period = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    mode = BlankAsNullChoiceField(
        choices=SpreadsheetUpload.Mode.choices,
        read_only=True,
        allow_null=True,
        help_text="How the upload was applied: all rows, or the valid rows only; null until "
        "it is applied.",
    )
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
        return localise_preview(obj.preview or {})


class SpreadsheetUploadListSerializer(SpreadsheetUploadSerializer):
    """An upload in the list: what came of it and its counts, without its preview (which can
    weigh megabytes: ``GET /spreadsheet-uploads/<id>/`` returns it)."""

    class Meta(SpreadsheetUploadSerializer.Meta):
        fields = [
            f for f in SpreadsheetUploadSerializer.Meta.fields
            if f not in ("preview", "indicator_changes")
        ]  # fmt: skip
        read_only_fields = fields


class UploadPeriodField(serializers.SlugRelatedField):
    """A period by its code; a locked one is refused with the reason, not "does not exist"."""

    def to_internal_value(self, data):
        period = super().to_internal_value(data)
        if period.locked:
            raise serializers.ValidationError(render("period_locked", {"period": period.code}))
        return period


class SpreadsheetUploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "The monitoring matrix (or a sheet of your own), .xlsx, .xls, .ods or .csv, up to 5 MB."
        ),
        # DRF's own Spanish says "está vació": ours, the same on every route
        error_messages={"empty": UPLOAD_MESSAGES["empty"]},
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
