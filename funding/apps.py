from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funding"
    verbose_name = _("Funding")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = [
        "view_quantification",
        "add_quantification",
        "change_quantification",
        "delete_quantification",
        "view_fundingline",
        "add_fundingline",
        "change_fundingline",
        "delete_fundingline",
        "view_contribution",
        "add_contribution",
        "change_contribution",
        "delete_contribution",
    ]
