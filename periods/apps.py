from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "periods"
    verbose_name = _("Reporting periods")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "change_reportingperiod",
        "view_reportingperiod",
    ]
