"""Reviewing national teams' submissions: approve, or return with a comment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ChangeEvent, ReviewState, Source, StatusUpdate
from ..permissions import require_secretariat
from ..signals import announce_figures_changed, announce_submissions_reviewed
from .audit import event
from .locking import lock_commitments, lock_updates, share_periods
from .statuses import PeriodLocked


def review(*, updates, user, approve: bool, comment: str = "", route: str = Source.WEB) -> int:
    """Approve or return submitted updates, all or none. Returns how many were reviewed.

    Only the secretariat reviews; only pending submissions that are still the newest row for
    their commitment and period can be reviewed; nothing in a locked period; returning needs a
    comment for the national team.
    """
    require_secretariat(user)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the update is returned.")})
    if len(comment) > StatusUpdate.REVIEW_COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("The comment has %(length)d characters; the limit is %(max)d.")
                % {"length": len(comment), "max": StatusUpdate.REVIEW_COMMENT_MAX_LENGTH}
            }
        )
    with transaction.atomic():
        ids = {u.pk for u in updates}
        # Locks in the order every writer takes them (services/locking.py): the periods
        # (shared), the commitments, then the rows themselves. Which period and commitment a
        # row belongs to never changes, so reading that first without a lock is safe.
        keys = list(
            StatusUpdate.objects.filter(pk__in=ids).values_list("period_id", "commitment_id")
        )
        periods = share_periods(p for p, _c in keys)
        commitments = lock_commitments(c for _p, c in keys)
        rows = lock_updates(ids)
        if len(rows) != len(ids):
            raise ValidationError(_("Some of the selected updates no longer exist."))
        for row in rows:
            row.period = periods[row.period_id]
            row.commitment = commitments[row.commitment_id]
        for row in rows:
            if row.review_state != ReviewState.SUBMITTED:
                raise ValidationError(
                    _("%(code)s %(period)s is no longer awaiting review (%(state)s).")
                    % {
                        "code": row.commitment.code,
                        "period": row.period.code,
                        "state": row.get_review_state_display(),
                    }
                )
            if row.period.locked:
                raise PeriodLocked(
                    {
                        "period": _("The period %(period)s is locked: it accepts no changes.")
                        % {"period": row.period.code}
                    }
                )
        now = timezone.now()
        state = ReviewState.APPROVED if approve else ReviewState.RETURNED
        # One UPDATE and one INSERT for all the rows, whatever their number.
        StatusUpdate.objects.filter(pk__in=[row.pk for row in rows]).update(
            review_state=state, reviewed_by=user, reviewed_at=now, review_comment=comment
        )
        action = ChangeEvent.Action.APPROVED if approve else ChangeEvent.Action.RETURNED
        ChangeEvent.objects.bulk_create(
            [
                event(
                    user,
                    action,
                    route,
                    update=row,
                    old=ReviewState.SUBMITTED,
                    new=state,
                    comment=comment,
                )
                for row in rows
            ]
        )
        if approve:
            announce_figures_changed(StatusUpdate)
        announce_submissions_reviewed([row.pk for row in rows], approved=approve, comment=comment)
    return len(rows)
