"""Countries in the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets

from countries.models import Country
from countries.permissions import is_secretariat
from countries.serializers import CountrySerializer


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    lookup_field = "iso3"
    pagination_class = None


class SecretariatOnly(permissions.BasePermission):
    """API operations for the secretariat only (``is_secretariat``): reviewing, locking."""

    message = _("Only the secretariat may do this.")

    def has_permission(self, request, view) -> bool:
        return is_secretariat(request.user)
