"""Commitments with their statuses, and status updates, in the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.editions import lineage_codes
from commitments.models import Commitment
from mirps.links import LINK_MAX_LENGTH
from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from statuses.models import Status, StatusUpdate


class CarriedSerializer(serializers.Serializer):
    """A status carried from the commitment of the previous edition this one continues."""

    code = serializers.CharField(help_text="The commitment it is carried from.")
    period = serializers.CharField(help_text="The period that status was reported in.")
    status = serializers.IntegerField()


class PredecessorStatusSerializer(serializers.Serializer):
    """A predecessor's status as of the period, shown beside a split or merged successor."""

    code = serializers.CharField()
    status = serializers.IntegerField(allow_null=True, help_text="null: not reported.")
    period = serializers.CharField(allow_null=True)


def shown_status(obj) -> int | None:
    """The status counted (``statuses.selectors.with_carried``): its own, else the carried."""
    return getattr(obj, "shown_status", obj.current_status)


class StatusFieldsMixin(serializers.Serializer):
    """The status as of the requested period, read from ``statuses.selectors.with_carried``:
    the commitment's own, else the one it carries from the commitment it continues."""

    status = serializers.SerializerMethodField(
        help_text="0-5 as of the period (null: not reported): the commitment's own status, or, "
        "for one that continues a commitment of the previous edition and has none of its own "
        "yet, that commitment's (see carried_from)."
    )
    status_label = serializers.SerializerMethodField()
    status_period = serializers.SerializerMethodField(
        help_text="The period the status was reported in."
    )
    status_demo = serializers.SerializerMethodField(
        help_text="True when the status shown is synthetic demo data."
    )
    carried_from = serializers.SerializerMethodField(
        help_text="When the status is carried from the commitment of the previous edition "
        "this one continues (continued or reworded): that commitment's code, the period and "
        "the status; null when the status is its own or there is none."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_status(self, obj) -> int | None:
        return shown_status(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_period(self, obj) -> str | None:
        if obj.current_status is None and getattr(obj, "carried_status", None) is not None:
            return obj.carried_period
        return obj.current_period

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, obj) -> str:
        status = shown_status(obj)
        if status is None:
            return str(_("Not reported"))
        return str(Status(status).label)

    def get_status_demo(self, obj) -> bool:
        return obj.current_source == Route.DEMO

    @extend_schema_field(CarriedSerializer(allow_null=True))
    def get_carried_from(self, obj) -> dict | None:
        if obj.current_status is not None or getattr(obj, "carried_status", None) is None:
            return None
        carried = obj.carried_from, obj.carried_period, obj.carried_status
        return dict(zip(("code", "period", "status"), carried, strict=True))


class CommitmentSerializer(StatusFieldsMixin, serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)
    focus_area = serializers.CharField(source="focus_area.code", read_only=True)
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)
    plan = serializers.CharField(source="plan.edition", read_only=True)
    edition = serializers.CharField(
        source="plan.edition", read_only=True, help_text="The plan edition it belongs to."
    )
    predecessors = serializers.SerializerMethodField(
        help_text="Codes of the previous edition's commitments it continues (one: continued "
        "or reworded; several: merged)."
    )
    successors = serializers.SerializerMethodField(
        help_text="Codes of the next edition's commitments that continue it (several: split; "
        "none, once a later edition exists: it closed with its edition)."
    )

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
            "carried_from",
            "edition",
            "predecessors",
            "successors",
            "original_language",
            "responsible_institution",
        ]

    def _lineage(self, obj) -> dict:
        lineage = self.context.get("lineage")
        if lineage is None:  # one commitment serialized outside the views: one query
            lineage = lineage_codes([obj.pk])
        return lineage.get(obj.pk) or {"predecessors": [], "successors": []}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_predecessors(self, obj) -> list[str]:
        return self._lineage(obj)["predecessors"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_successors(self, obj) -> list[str]:
        return self._lineage(obj)["successors"]


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
    # Checked by the write service, as on every route (its messages say the length and the
    # limit): not here, where the framework's own message would answer first.
    narrative = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text=f"At most {StatusUpdate.NARRATIVE_MAX_LENGTH} characters; required when "
        "the status changes.",
    )
    evidence_url = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text=f"A web link, http or https, at most {LINK_MAX_LENGTH} characters; "
        "https:// is added when no scheme is written (www.example.org/report.pdf).",
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
            },
            "review_comment": {
                "help_text": "The reviewer's comment: unpublished, so empty unless you are the "
                "secretariat or a member of the commitment's country team."
            },
        }


class CommitmentDetailSerializer(CommitmentSerializer):
    pillar_rationale = serializers.CharField(
        read_only=True, help_text="Why this pillar, in English."
    )
    pillar_rationale_es = serializers.CharField(
        read_only=True, help_text="Why this pillar, in Spanish (our working translation)."
    )
    history = StatusUpdateSerializer(source="updates", many=True, read_only=True)
    predecessor_statuses = serializers.SerializerMethodField(
        help_text="For a split or merged successor (it carries no status): each predecessor's "
        "status as of the period, shown beside it, never counted as its own."
    )

    class Meta(CommitmentSerializer.Meta):
        fields = CommitmentSerializer.Meta.fields + [
            "pillar_rationale",
            "pillar_rationale_es",
            "history",
            "predecessor_statuses",
        ]

    @extend_schema_field(PredecessorStatusSerializer(many=True))
    def get_predecessor_statuses(self, obj) -> list[dict]:
        return self.context.get("predecessor_statuses", [])


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
