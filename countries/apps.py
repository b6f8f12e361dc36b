from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountriesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "countries"
    verbose_name = _("Countries")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "add_membership",
        "change_membership",
        "delete_membership",
        "view_membership",
    ]

    def ready(self):
        from django.db.models.signals import post_migrate

        from countries.roles import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="countries.ensure_roles")
