from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from commitments.signals import figures_changed

        from .cache import invalidate

        figures_changed.connect(invalidate, dispatch_uid="reports-cache-invalidate")
