from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statuses"
    verbose_name = _("Statuses")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "review_statusupdate",
        "view_statusupdate",
    ]
