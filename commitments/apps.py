from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """SQLite has no ``unaccent``: search (``CommitmentQuerySet.search``) calls ``mirps_fold``,
    our Python folding, on every SQLite connection."""
    if connection.vendor == "sqlite":
        from .models import fold_words

        connection.connection.create_function("mirps_fold", 1, fold_words, deterministic=True)


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="commitments.ensure_roles")
        connection_created.connect(
            register_sqlite_functions, dispatch_uid="commitments.sqlite_functions"
        )
