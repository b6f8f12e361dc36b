"""Reporting periods in the API: read by anyone; locked and unlocked by the secretariat (the
periods page's operations, ``periods.services.set_period_locked``: the same rules and audit)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from countries.api import SecretariatOnly
from mirps.api_errors import api_validation_error
from mirps.vocabulary import Route
from periods.models import ReportingPeriod
from periods.serializers import PeriodSerializer
from periods.services import set_period_locked


def period_from_request(request) -> ReportingPeriod | None:
    """The ``period`` query parameter as a period (None if absent); 400 if unknown."""
    code = request.query_params.get("period", "").strip()
    if not code:
        return None
    try:
        return ReportingPeriod.objects.get(code=code)
    except ReportingPeriod.DoesNotExist:
        raise ValidationError(
            {"period": [_("Unknown reporting period: %(code)s") % {"code": code}]}
        ) from None


class UnlockSerializer(serializers.Serializer):
    """The unlock's optional body: why the period is opened again (as on the periods page)."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why the period is unlocked: kept in the audit trail and published in the "
        "errata of the period's next release.",
    )


def _lock_schema(verb: str, effect: str, request=None, body: str = "No body."):
    return extend_schema(
        summary=f"{verb} a period (secretariat)",
        description=f"{effect} As on the periods page: an audit event, and the public figures "
        f"are refreshed. {body} Asking for the state the period is already in changes "
        "nothing (200, no audit event).",
        request=request,
        responses={200: PeriodSerializer},
    )


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReportingPeriod.objects.all()
    serializer_class = PeriodSerializer
    lookup_field = "code"
    pagination_class = None

    def _set_locked(self, request, locked: bool, reason: str = "") -> Response:
        period = self.get_object()
        try:
            period = set_period_locked(
                period=period, locked=locked, user=request.user, route=Route.API, reason=reason
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None
        return Response(PeriodSerializer(period).data)

    @_lock_schema("Lock", "A locked period refuses every change: no status or indicator value "
                  "is recorded or reviewed in it.")  # fmt: skip
    @action(
        detail=True, methods=["post"], permission_classes=[SecretariatOnly], url_name="api-lock"
    )
    def lock(self, request, code=None):
        return self._set_locked(request, locked=True)

    @_lock_schema(
        "Unlock",
        "The period accepts statuses and reviews again.",
        request=UnlockSerializer,
        body="Optional body: the reason.",
    )
    @action(
        detail=True, methods=["post"], permission_classes=[SecretariatOnly], url_name="api-unlock"
    )
    def unlock(self, request, code=None):
        body = UnlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "").strip()
        return self._set_locked(request, locked=False, reason=reason)
