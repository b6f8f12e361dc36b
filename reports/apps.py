from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from commitments.models import FocusArea, Pillar, ReportingPeriod
        from commitments.signals import figures_changed
        from countries.models import Country

        from . import cache

        figures_changed.connect(cache.invalidate, dispatch_uid="reports-cache-invalidate")
        request_started.connect(cache.request_started, dispatch_uid="reports-cache-started")
        request_finished.connect(cache.request_finished, dispatch_uid="reports-cache-finished")
        # The reference data the pages and the API check their parameters against is cached
        # with the figures: a period opened (or a country, pillar or focus area edited) makes
        # it stale too, whichever route changed it.
        for model in (ReportingPeriod, Country, Pillar, FocusArea):
            for signal in (post_save, post_delete):
                signal.connect(
                    _reference_changed,
                    sender=model,
                    dispatch_uid=f"reports-reference-{signal is post_save}-{model.__name__}",
                )


def _reference_changed(**_kwargs):
    from django.db import transaction

    from .cache import invalidate

    transaction.on_commit(invalidate)
