"""The reports' receivers: what makes the cached figures stale, connected by ``ReportsConfig``."""

from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from commitments.models import FocusArea, Pillar
from countries.models import Country
from mirps.signals import figures_changed
from periods.models import ReportingPeriod
from reports import cache, dashboard


def connect() -> None:
    cache.register_warmer(dashboard.warm)
    figures_changed.connect(cache.invalidate, dispatch_uid="reports-cache-invalidate")
    request_started.connect(cache.request_started, dispatch_uid="reports-cache-started")
    request_finished.connect(cache.request_finished, dispatch_uid="reports-cache-finished")
    # The reference data the pages and the API check their parameters against is cached
    # with the figures: a period opened (or a country, pillar or focus area edited) makes
    # it stale too, whichever route changed it.
    for model in (ReportingPeriod, Country, Pillar, FocusArea):
        for signal in (post_save, post_delete):
            signal.connect(
                reference_changed,
                sender=model,
                dispatch_uid=f"reports-reference-{signal is post_save}-{model.__name__}",
            )


def reference_changed(**_kwargs):
    transaction.on_commit(cache.invalidate)
