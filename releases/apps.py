from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    """Citable open-data releases: each locked period published once, versioned, never changed."""

    name = "releases"
    verbose_name = _("Releases")

    def ready(self):
        from releases import receivers  # noqa: F401  (listens to period_locked)
