"""Reviewing national teams' statuses: the one review workflow (``review.workflow``) applied to
status updates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commitments.locking import lock_commitments
from commitments.selectors import out_of_force
from mirps.vocabulary import Route
from periods.locking import share_periods
from periods.services import PeriodLocked
from review import workflow
from statuses.locking import lock_updates
from statuses.models import StatusUpdate
from statuses.selectors import in_force_in_its_period
from statuses.services import not_in_force_message


def not_approvable_message(row: StatusUpdate) -> str:
    """Why the submission ``row`` cannot be approved: its commitment is not of the edition in
    force at the end of its period (a new edition came into force after it was submitted), in
    the words recording uses (``statuses.services.not_in_force_message``); it can be returned.
    One query (why: ``commitments.selectors.out_of_force``)."""
    reason = out_of_force([row.commitment_id], row.period.end_date)[row.commitment_id]
    return _("%(name)s cannot be approved: %(reason)s Return it to the national team instead.") % {
        "name": f"{row.commitment.code} {row.period.code}",
        "reason": not_in_force_message(reason, row.period),
    }


class StatusReview:
    """Status updates as a kind of reviewed row (``review.workflow.ReviewKind``)."""

    model = StatusUpdate

    def lock(self, ids: set[int]) -> list[StatusUpdate]:
        # Which period and commitment a row belongs to never changes, so reading that first
        # without a lock is safe; then the periods (shared), the commitments, the rows. The
        # same read says whether each commitment is of the edition in force at its period's
        # end (``in_force_in_its_period``, a subquery).
        keys = {
            pk: (period_id, commitment_id, bool(ok))
            for pk, period_id, commitment_id, ok in StatusUpdate.objects.filter(pk__in=ids)
            .annotate(in_force=in_force_in_its_period())
            .values_list("pk", "period_id", "commitment_id", "in_force")
        }
        if not keys:  # none of the ids exists: nothing to lock (the workflow says which)
            return []
        periods = share_periods(p for p, _c, _ok in keys.values())
        commitments = lock_commitments(c for _p, c, _ok in keys.values())
        rows = lock_updates(ids)
        for row in rows:
            row.period = periods[row.period_id]
            row.commitment = commitments[row.commitment_id]
            row.in_force = keys[row.pk][2]
        return rows

    def refusal(self, row: StatusUpdate, *, approve: bool) -> ValidationError | None:
        """A locked period refuses every review; a status for a commitment no longer (or not
        yet) of the edition in force at its period's end refuses approval, as recording
        refuses it (it may be returned)."""
        if row.period.locked:
            return PeriodLocked.of(row.period)
        if approve and not getattr(row, "in_force", True):
            return ValidationError(not_approvable_message(row))
        return None

    def name(self, row: StatusUpdate) -> str:
        return f"{row.commitment.code} {row.period.code}"

    def subject(self, row: StatusUpdate) -> dict:
        return {"update": row}

    def after(self, rows, *, approved: bool, user, route: str) -> None:
        """Nothing more: the status as of a period is its newest approved row, whatever came
        before it."""


STATUSES = StatusReview()


def review(*, updates, user, approve: bool, comment: str = "", route: str = Route.WEB) -> int:
    """Approve or return submitted status updates (instances or ids), all or none; how many
    were reviewed. Only pending submissions (a submission is always the newest row of its
    commitment and period: recording a new row supersedes it), nothing in a locked period."""
    return workflow.review(
        STATUSES, updates, user=user, approve=approve, comment=comment, route=route
    )
