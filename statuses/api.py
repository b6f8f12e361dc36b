"""Commitments with their statuses, and status updates, in the API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from commitments.editions import lineage_codes
from commitments.models import Commitment
from countries.api import SecretariatOnly
from mirps.api_errors import api_validation_error
from mirps.vocabulary import ReviewState, Route
from periods.api import period_from_request
from review.models import REVIEW_COMMENT_MAX_LENGTH
from statuses.filters import CommitmentFilter, StatusUpdateFilter
from statuses.models import StatusUpdate
from statuses.review import review as review_updates
from statuses.selectors import predecessor_statuses, with_carried
from statuses.serializers import (
    CommitmentDetailSerializer,
    CommitmentSerializer,
    ConflictSerializer,
    StatusUpdateSerializer,
)
from statuses.services import Conflict, record_status

# How many updates one review request may name (the review queue shows far fewer at a time).
REVIEW_MAX_IDS = 1000
# The largest id a database column can hold (ids are 64-bit): larger ones are refused as input.
MAX_ID = 2**63 - 1


class ReviewRequestSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=REVIEW_MAX_IDS,
        help_text="Ids of status updates awaiting review (state `submitted`); all are reviewed "
        f"or none. At most {REVIEW_MAX_IDS}.",
    )
    action = serializers.ChoiceField(
        choices=[("approve", "approve"), ("return", "return")],
        help_text="`approve`: the statuses count in public figures; `return`: back to the "
        "national team, with the comment.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Required to return (the national team reads it); at most "
        f"{REVIEW_COMMENT_MAX_LENGTH} characters.",
    )


class ReviewResultSerializer(serializers.Serializer):
    reviewed = serializers.IntegerField(help_text="How many updates were reviewed.")
    review_state = serializers.ChoiceField(
        choices=ReviewState.choices,  # the schema's one ReviewStateEnum
        help_text="Their review state now: `approved` or `returned`.",
    )
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="Their ids.")


def visible_updates(user):
    """What ``user`` may read (``StatusUpdate.objects.visible_to``): everything for the
    secretariat, a team's own countries in full, approved rows of every other country."""
    return StatusUpdate.objects.visible_to(user).select_related(
        "commitment", "period", "created_by"
    )


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Commitments with their status as of ``period`` (the latest status if no period)."""

    lookup_field = "code"
    filterset_class = CommitmentFilter

    def get_queryset(self):
        period = self.period = period_from_request(self.request)
        queryset = Commitment.objects.select_related("country", "focus_area", "pillar", "plan")
        queryset = with_carried(queryset, period)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("updates", queryset=visible_updates(self.request.user))
            )
        return queryset

    def get_serializer_class(self):
        return CommitmentDetailSerializer if self.action == "retrieve" else CommitmentSerializer

    def _with_lineage(self, rows) -> dict:
        """The serializer's context with the lineage of ``rows`` (one query)."""
        return {**self.get_serializer_context(), "lineage": lineage_codes([c.pk for c in rows])}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        data = CommitmentSerializer(rows, many=True, context=self._with_lineage(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        commitment = self.get_object()
        context = self._with_lineage([commitment])
        # a split or merged successor: its predecessors' statuses beside it (one query more)
        lineage = context["lineage"].get(commitment.pk) or {}
        codes = lineage.get("predecessors") or []
        if codes and commitment.carried_status is None and commitment.current_status is None:
            context["predecessor_statuses"] = predecessor_statuses(codes, self.period)
        return Response(CommitmentDetailSerializer(commitment, context=context).data)


class StatusUpdateViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Status history (approved rows for the public, all rows for the workspace) and recording
    a new status: the secretariat for any country (approved at once), a national team member
    for their own country (submitted for review)."""

    serializer_class = StatusUpdateSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = StatusUpdateFilter

    def get_queryset(self):
        return visible_updates(self.request.user)

    @extend_schema(responses={201: StatusUpdateSerializer, 409: ConflictSerializer})
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except Conflict as conflict:
            current = conflict.current
            return Response(
                {
                    "detail": str(conflict),
                    "current": {
                        "id": current.pk,
                        "status": current.status,
                        "narrative": current.narrative,
                        "recorded_by": current.created_by.get_username()
                        if current.created_by
                        else None,
                        "created_at": current.created_at.isoformat(),
                        "review_state": current.review_state,
                    },
                },
                status=409,
            )

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = record_status(
                commitment=data["commitment"],
                period=data["period"],
                status=data["status"],
                narrative=data.get("narrative", ""),
                evidence_url=data.get("evidence_url", ""),
                user=self.request.user,
                source=Route.API,
                base_version=data.get("base_version", 0),
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None

    @extend_schema(
        summary="Approve or return submitted status updates (secretariat)",
        description="The review queue's operation (``statuses.review.review``, the same rules "
        "and audit trail as the web): every update named must exist and be awaiting review, "
        "in an unlocked period; all are reviewed or none. The national teams are notified as "
        "from the web. 400 (messages by field) for bad input: unknown ids, updates not "
        "awaiting review or in a locked period (`ids`, `period`), a missing or too long "
        "comment (`comment`).",
        request=ReviewRequestSerializer,
        responses={200: ReviewResultSerializer},
    )
    @action(detail=False, methods=["post"], permission_classes=[SecretariatOnly])
    def review(self, request):
        body = ReviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = sorted(set(body.validated_data["ids"]))
        approve = body.validated_data["action"] == "approve"
        try:
            reviewed = review_updates(
                updates=ids,
                user=request.user,
                approve=approve,
                comment=body.validated_data["comment"],
                route=Route.API,
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc, field="ids") from None
        state = ReviewState.APPROVED if approve else ReviewState.RETURNED
        return Response({"reviewed": reviewed, "review_state": state, "ids": ids})
