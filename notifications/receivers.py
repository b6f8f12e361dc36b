"""Hooks into the review flow and the period calendar: signals, acted on after commit.

Nothing here changes what the commitments app does; if a hook fails (say the mail server is
down) the review or the opening stands, the failure is logged, and ``send_reminders`` makes
the missing notification and retries the e-mail on its next run.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from commitments.models import ChangeEvent
from commitments.signals import period_opened

from . import cycle

log = logging.getLogger(__name__)


@receiver(post_save, sender=ChangeEvent, dispatch_uid="notifications.returned")
def submission_returned(sender, instance: ChangeEvent, created: bool, **kwargs) -> None:
    """A submission returned: tell its author once the review commits."""
    if not created or instance.action != ChangeEvent.Action.RETURNED:
        return
    if instance.status_update_id is None:
        return
    update_id = instance.status_update_id

    def tell():
        made = cycle.returned_notices([update_id])
        cycle.deliver([n.pk for n in made])

    transaction.on_commit(tell, robust=True)


@receiver(period_opened, dispatch_uid="notifications.period_opened")
def period_was_opened(sender, period, **kwargs) -> None:
    """A period opened: tell the national teams (already after commit)."""
    made = cycle.period_notices(period, timezone.now(), only_opened=True)
    cycle.deliver([n.pk for n in made])
