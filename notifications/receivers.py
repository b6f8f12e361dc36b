"""Hooks into the review flow and the period calendar: signals, acted on after commit.

Nothing here changes what the apps that send these signals do; if a hook fails (say the mail
server is down) the review or the opening stands, the failure is logged, and
``send_reminders`` makes the missing notification and retries the e-mail on its next run.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils import timezone

from mirps.signals import period_opened, submissions_reviewed
from notifications import cycle

log = logging.getLogger(__name__)


@receiver(submissions_reviewed, dispatch_uid="notifications.returned")
def submissions_were_reviewed(sender, ids, approved: bool, **kwargs) -> None:
    """Submissions returned (statuses or indicator values, ``sender`` says which): tell their
    authors (already after commit; approved statuses go out in the daily digest)."""
    if approved or not ids:
        return
    made = cycle.returned_notices_of(sender, list(ids))
    cycle.deliver([n.pk for n in made])


@receiver(period_opened, dispatch_uid="notifications.period_opened")
def period_was_opened(sender, period, **kwargs) -> None:
    """A period opened: tell the national teams (already after commit)."""
    made = cycle.period_notices(period, timezone.now(), only_opened=True)
    cycle.deliver([n.pk for n in made])
