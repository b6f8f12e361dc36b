"""Signals other apps may listen to (commitments never imports them back)."""

from django.dispatch import Signal

# Sent after any write that can change public figures commits: an approved status (recorded
# by the secretariat or approved in review), demo data replaced, plans loaded, a commitment's
# classification edited. Listeners (e.g. the reports cache) must not assume which.
figures_changed = Signal()


def announce_figures_changed(sender=None) -> None:
    """Send ``figures_changed`` once the current transaction commits (never on rollback)."""
    from django.db import transaction

    transaction.on_commit(lambda: figures_changed.send(sender=sender))


# Sent after a reporting period is opened (once the transaction commits), with ``period``: the
# notifications app tells the national teams.
period_opened = Signal()


def announce_period_opened(period) -> None:
    from django.db import transaction

    # robust: a failing listener (e.g. the mail server) is logged, never undoes the opening
    transaction.on_commit(lambda: period_opened.send_robust(sender=type(period), period=period))


# Sent after submissions are reviewed (once the transaction commits), with ``update_ids`` (the
# status updates reviewed), ``approved`` (True: approved; False: returned) and ``comment``: the
# notifications app tells the national teams whose submission was returned.
submissions_reviewed = Signal()


def announce_submissions_reviewed(update_ids, *, approved: bool, comment: str) -> None:
    from django.db import transaction

    ids = list(update_ids)
    # robust: a failing listener (e.g. the mail server) is logged, never undoes the review
    transaction.on_commit(
        lambda: submissions_reviewed.send_robust(
            sender=None, update_ids=ids, approved=approved, comment=comment
        )
    )
