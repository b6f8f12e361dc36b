from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "view_notification",
    ]

    def ready(self):
        from notifications import receivers  # noqa: F401  (connects the signal receivers)
