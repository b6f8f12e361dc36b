from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Country indicators")

    def ready(self):
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="indicators.ensure_roles")
