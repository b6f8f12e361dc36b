"""The one review workflow: the secretariat approves a national team's submission, or returns it
with a comment.

Statuses (``statuses.StatusUpdate``) and indicator values (``indicators.IndicatorValue``) are
reviewed alike, by ``review``: one role check, one comment rule (required to return, at most
``REVIEW_COMMENT_MAX_LENGTH`` characters), all or none, one audit trail (``audit.ChangeEvent``)
and one signal for the notifications (``mirps.signals.submissions_reviewed``).

**The lock order**, the same in every write and every review, so that no two can wait on each
other (each kind in ascending id, never back to an earlier kind in one transaction):

0. a spreadsheet upload being applied (``FOR UPDATE``: applied once);
1. reporting periods, *shared* by every write and review of statuses (``periods.locking``):
   a lock or unlock of the period waits for them, and nothing lands after it;
2. the *subjects* of the rows: commitments for statuses (``commitments.locking``), indicators
   for indicator values (``indicators.locking``): one writer or reviewer at a time;
3. the rows themselves (``statuses.locking``, ``indicators.locking``).

What differs between the kinds, each kind's app says (a ``ReviewKind``): how to take those
locks for the rows reviewed, what else may refuse a review (a locked period), how a message
names a row, and what an approval implies (an indicator value's approval supersedes the
approved value of its slot).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeEvent
from audit.services import event
from countries.permissions import require_secretariat
from mirps.signals import announce_figures_changed, announce_submissions_reviewed
from mirps.vocabulary import ReviewState, Route
from review.models import REVIEW_COMMENT_MAX_LENGTH


class ReviewKind(Protocol):
    """A kind of reviewed row, as its own app declares it (``statuses.review.STATUSES``,
    ``indicators.review.VALUES``)."""

    model: type  # its rows: StatusUpdate, IndicatorValue

    def lock(self, ids: set[int]) -> list:
        """The rows, locked in steps 1-3 of the lock order (with what messages need)."""

    def refusal(self, row, *, approve: bool) -> ValidationError | None:
        """What refuses reviewing ``row`` beyond its state (a locked period; for an approval,
        a status for a commitment no longer in force in its period), or None."""

    def name(self, row) -> str:
        """How a message names ``row`` ("GTM-PRO-01 2025")."""

    def subject(self, row) -> dict:
        """``audit.services.event``'s keywords naming ``row``."""

    def after(self, rows: list, *, approved: bool, user, route: str) -> None:
        """What reviewing ``rows`` implies beyond their own state."""


def comment_too_long_message(length: int) -> str:
    """The one wording of the review comment's limit (the forms and this service)."""
    return _(
        "The comment has %(length)d characters; the limit is %(max)d. Shorten it and save again."
    ) % {"length": length, "max": REVIEW_COMMENT_MAX_LENGTH}


def check_comment(comment: str, *, approve: bool) -> str:
    """The comment as stored (trimmed), or a ValidationError: returning needs one, for the
    national team; no comment is longer than the limit."""
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the submission is returned.")})
    if len(comment) > REVIEW_COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": comment_too_long_message(len(comment))})
    return comment


def review(
    kind: ReviewKind,
    rows: Iterable,
    *,
    user,
    approve: bool,
    comment: str = "",
    route: str = Route.WEB,
) -> int:
    """Approve or return submitted ``rows`` of ``kind`` (instances or ids), all or none.
    Returns how many were reviewed.

    Only the secretariat reviews, only rows still awaiting review, and only when nothing else
    refuses it (``kind.refusal``). One UPDATE and one INSERT of audit events for all the
    rows, whatever their number; the figures are announced changed after an approval, and the
    reviewed rows to the notifications after the transaction commits.
    """
    require_secretariat(user)
    comment = check_comment(comment, approve=approve)
    ids = {getattr(row, "pk", row) for row in rows}
    with transaction.atomic():
        locked = kind.lock(ids)
        if not ids or len(locked) != len(ids):
            raise ValidationError(_("Some of the selected submissions no longer exist."))
        for row in locked:
            _check_reviewable(kind, row, approve)
        state = ReviewState.APPROVED if approve else ReviewState.RETURNED
        kind.model._default_manager.filter(pk__in=ids).update(
            review_state=state, reviewed_by=user, reviewed_at=timezone.now(), review_comment=comment
        )
        action = ChangeEvent.Action.APPROVED if approve else ChangeEvent.Action.RETURNED
        ChangeEvent.objects.bulk_create(
            event(
                user,
                action,
                route,
                old=ReviewState.SUBMITTED,
                new=state,
                comment=comment,
                **kind.subject(row),
            )
            for row in locked
        )
        kind.after(locked, approved=approve, user=user, route=route)
        if approve:
            announce_figures_changed(kind.model)
        announce_submissions_reviewed(
            kind.model, [row.pk for row in locked], approved=approve, comment=comment
        )
    return len(locked)


def _check_reviewable(kind: ReviewKind, row, approve: bool) -> None:
    if row.review_state != ReviewState.SUBMITTED:
        raise ValidationError(
            _("%(name)s is no longer awaiting review (%(state)s).")
            % {"name": kind.name(row), "state": row.get_review_state_display()}
        )
    refusal = kind.refusal(row, approve=approve)
    if refusal is not None:
        raise refusal
