from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Audit trail")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "view_changeevent",
    ]
