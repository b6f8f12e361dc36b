"""Reviewing national teams' statuses: the one review workflow (``review.workflow``) applied to
status updates."""

from __future__ import annotations

from commitments.locking import lock_commitments
from mirps.vocabulary import Route
from periods.locking import share_periods
from periods.services import PeriodLocked
from review import workflow
from statuses.locking import lock_updates
from statuses.models import StatusUpdate


class StatusReview:
    """Status updates as a kind of reviewed row (``review.workflow.ReviewKind``)."""

    model = StatusUpdate

    def lock(self, ids: set[int]) -> list[StatusUpdate]:
        # Which period and commitment a row belongs to never changes, so reading that first
        # without a lock is safe; then the periods (shared), the commitments, the rows.
        keys = list(
            StatusUpdate.objects.filter(pk__in=ids).values_list("period_id", "commitment_id")
        )
        if not keys:  # none of the ids exists: nothing to lock (the workflow says which)
            return []
        periods = share_periods(p for p, _c in keys)
        commitments = lock_commitments(c for _p, c in keys)
        rows = lock_updates(ids)
        for row in rows:
            row.period = periods[row.period_id]
            row.commitment = commitments[row.commitment_id]
        return rows

    def refusal(self, row: StatusUpdate) -> PeriodLocked | None:
        return PeriodLocked.of(row.period) if row.period.locked else None

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
