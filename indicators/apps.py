from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Country indicators")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "review_indicatorvalue",
        "view_indicatorvalue",
        "view_indicator",
        "add_indicator",
        "change_indicator",
        "view_commitmentindicator",
        "add_commitmentindicator",
        "change_commitmentindicator",
        "delete_commitmentindicator",
    ]
