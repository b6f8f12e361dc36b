"""Signals the apps above may listen to (the apps that send them never import the listeners).

Every one is sent once the current transaction commits (never on rollback); the robust ones
log a failing listener (e.g. the mail server) instead of undoing what was done.
"""

from django.db import transaction
from django.dispatch import Signal

# Sent after any write that can change public figures: an approved status or indicator value
# (recorded by the secretariat or approved in review), demo data replaced, plans loaded, a
# commitment's classification edited, a period locked... Listeners (the reports cache) must not
# assume which.
figures_changed = Signal()


def announce_figures_changed(sender=None) -> None:
    transaction.on_commit(lambda: figures_changed.send(sender=sender))


# Sent after a reporting period is opened, with ``period``: the notifications app tells the
# national teams.
period_opened = Signal()


def announce_period_opened(period) -> None:
    transaction.on_commit(lambda: period_opened.send_robust(sender=type(period), period=period))


# Sent after submissions are reviewed (review.workflow), with the model reviewed as sender
# (StatusUpdate or IndicatorValue), ``ids`` (the rows reviewed), ``approved`` (True: approved;
# False: returned) and ``comment``: the notifications app tells the national teams whose
# submission was returned.
submissions_reviewed = Signal()


def announce_submissions_reviewed(model, ids, *, approved: bool, comment: str) -> None:
    ids = list(ids)
    transaction.on_commit(
        lambda: submissions_reviewed.send_robust(
            sender=model, ids=ids, approved=approved, comment=comment
        )
    )


# Sent after a reporting period is locked (periods.services), with ``period``: the releases app
# publishes the period's figures as a release that never changes.
period_locked = Signal()


def announce_period_locked(period) -> None:
    transaction.on_commit(lambda: period_locked.send_robust(sender=type(period), period=period))
