from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """SQLite has no ``unaccent``: search (``CommitmentQuerySet.search``) calls ``mirps_fold``,
    our Python folding, on every SQLite connection."""
    if connection.vendor == "sqlite":
        from commitments.models import fold_words

        connection.connection.create_function("mirps_fold", 1, fold_words, deterministic=True)


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = _("Commitments")
    # what the Secretariat group may do here (countries.roles.ensure_roles gathers them)
    secretariat_permissions = ["change_commitment", "view_commitment"]

    def ready(self):
        connection_created.connect(
            register_sqlite_functions, dispatch_uid="commitments.sqlite_functions"
        )
