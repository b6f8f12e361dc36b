"""Recording statuses: the one write path of every route (web, matrix, spreadsheet, API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ChangeEvent,
    Commitment,
    ReportingPeriod,
    ReviewState,
    Source,
    Status,
    StatusUpdate,
)
from ..permissions import can_record, is_secretariat, require_record
from ..selectors import newest_in_period, status_as_of
from ..signals import announce_figures_changed
from .audit import event
from .locking import lock_commitments, share_period


class Problem(str):
    """A broken rule: its message in the active language (so callers use it as text), plus a
    ``code`` and ``params`` so that a stored copy (a spreadsheet preview) can be shown later
    in the reader's language."""

    code: str
    params: dict

    def __new__(cls, code: str, message, /, **params):
        problem = super().__new__(cls, str(message))
        problem.code, problem.params = code, params
        return problem


class PeriodLocked(ValidationError):
    """The period is locked: nothing in it may change."""


class Conflict(Exception):
    """Someone else changed this commitment and period since the editor loaded it.

    ``current`` is their row; None when the version the editor sent names no row of this
    commitment and period at all (nothing has been recorded there: the version must be 0).
    """

    def __init__(self, current: StatusUpdate | None, *, commitment=None, period=None):
        self.current = current
        if current is None:
            code = commitment.code if commitment is not None else "?"
            super().__init__(no_row_message(code, period.code if period is not None else "?"))
            return
        who = current.created_by.get_username() if current.created_by else "?"
        super().__init__(
            _(
                "%(who)s recorded status %(status)s (%(label)s) for %(code)s in %(period)s at "
                "%(when)s, after you opened this form. Your change was not saved: review theirs "
                "and save again if yours should replace it."
            )
            % {
                "who": who,
                "status": current.status,
                "label": current.get_status_display(),
                "code": current.commitment.code,
                "period": current.period.code,
                "when": timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def no_row_message(code: str, period: str) -> Problem:
    return Problem(
        "version_no_row",
        _(
            "There is no status for %(code)s in %(period)s yet, so the version your change is "
            "based on cannot be right (it must be 0). Reload the page and save again."
        )
        % {"code": code, "period": period},
        code=code,
        period=period,
    )


def narrative_too_long_message(length: int) -> Problem:
    return Problem(
        "narrative_too_long",
        _(
            "The narrative has %(length)d characters; the limit is %(max)d. Shorten it, and put "
            "longer documents in the evidence."
        )
        % {"length": length, "max": StatusUpdate.NARRATIVE_MAX_LENGTH},
        length=length,
        max=StatusUpdate.NARRATIVE_MAX_LENGTH,
    )


def current_version(commitment: Commitment, period: ReportingPeriod) -> StatusUpdate | None:
    """The newest row for this commitment in this period, whatever its review state."""
    rows = newest_in_period(period, commitments=[commitment])
    return rows.select_related("created_by", "commitment", "period").first()


def _status_text(update: StatusUpdate | None) -> str:
    return "" if update is None else f"{update.status} ({update.review_state})"


@dataclass
class StatusChange:
    """One status to record: what a form row, a spreadsheet row or an API call asks for."""

    commitment: Commitment
    status: int
    narrative: str = ""
    # id of the newest row for this commitment and period its author saw (0: none); None only
    # for writes that are not edits of something a person saw (demo data).
    base_version: int | None = 0
    evidence_url: str = ""
    evidence_file: object = None


class ChangesRefused(ValidationError):
    """Some changes break a rule; nothing was written. ``errors`` maps commitment code to its
    messages; ``conflicts`` maps code to the other person's newer row."""

    def __init__(self, errors: dict[str, list[str]], conflicts: dict[str, StatusUpdate]):
        self.errors = errors
        self.conflicts = conflicts
        super().__init__([f"{code}: {' '.join(msgs)}" for code, msgs in errors.items()])


def check_changes(changes: list[StatusChange], *, period: ReportingPeriod, user, lock=False):
    """Validate changes against the rules without writing. Returns (errors, conflicts, latest,
    before): per-commitment messages (``Problem``: text with a code), conflicting rows, the
    newest row per commitment in the period and the approved status shown before. A constant
    number of queries.

    Rules: the user may record for the commitment's country; the period is open; the status is
    on the scale; a change of status needs a narrative; each commitment once; ``base_version``
    is still the newest row for the commitment and period (optimistic concurrency).
    """
    errors: dict[str, list[str]] = {}
    conflicts: dict[str, StatusUpdate] = {}
    if period.locked:
        raise PeriodLocked(
            {
                "period": _("The period %(period)s is locked: it accepts no changes.")
                % {"period": period.code}
            }
        )
    ids = [c.commitment.pk for c in changes]
    if lock:
        # Lock the commitment rows so concurrent saves of them are serialised, in the order
        # every writer uses (services/locking.py: after the period, before status updates).
        lock_commitments(ids)
    newest = newest_in_period(period, commitments=ids)
    newest = newest.select_related("created_by", "commitment", "period")
    latest = {row.commitment_id: row for row in newest}
    before = dict(status_as_of(period, commitments=ids).values_list("commitment_id", "status"))
    seen: set[int] = set()
    for change in changes:
        commitment = change.commitment
        problems = []
        if not can_record(user, commitment.country_id):
            problems.append(
                Problem("not_your_country", _("You may only record statuses for your own country."))
            )
        if change.status not in Status.values:
            problems.append(
                Problem("status_invalid", _("Status must be a whole number from 0 to 5."))
            )
        if commitment.pk in seen:
            problems.append(Problem("repeated", _("This commitment appears more than once.")))
        seen.add(commitment.pk)
        if len(change.narrative) > StatusUpdate.NARRATIVE_MAX_LENGTH:
            problems.append(narrative_too_long_message(len(change.narrative)))
        newest = latest.get(commitment.pk)
        if change.base_version is not None and (newest.pk if newest else 0) != change.base_version:
            if newest is None:  # a version given where nothing was ever recorded
                problems.append(no_row_message(commitment.code, period.code))
            else:
                conflicts[commitment.code] = newest
                problems.append(str(Conflict(newest)))
        elif change.status != before.get(commitment.pk) and not change.narrative.strip():
            problems.append(
                Problem(
                    "narrative_required",
                    _("Explain the change of status in the narrative."),
                    old=before.get(commitment.pk),
                    new=change.status,
                )
            )
        if problems:
            errors[commitment.code] = problems
    return errors, conflicts, latest, before


def record_many(
    changes: list[StatusChange], *, period: ReportingPeriod, user, source: str = Source.WEB
) -> list[StatusUpdate]:
    """Record several statuses in one period, all or none (history is never rewritten).

    Every route (web form, country matrix, spreadsheet, API) comes here, so the rules of
    ``check_changes`` hold everywhere; any broken rule raises ``ChangesRefused`` (or
    ``PeriodLocked``) and nothing is written. Secretariat rows are approved on save, others are
    submitted; an earlier pending submission for the same commitment and period is superseded
    (an audit event). Each new row is itself the record of its change: who, when, the status
    before and after, and the route. A constant number of queries, whatever the number of rows.
    """
    if not changes:
        return []
    if not is_secretariat(user):
        for change in changes:
            require_record(user, change.commitment.country_id)
    with transaction.atomic():
        # The period under a shared lock: a lock of the period waits for this write, and this
        # write waits for a lock in flight and then sees it (services/locking.py).
        period = share_period(period)
        errors, conflicts, latest, before = check_changes(
            changes, period=period, user=user, lock=True
        )
        if errors:
            raise ChangesRefused(errors, conflicts)
        approved = is_secretariat(user)
        now = timezone.now()
        author = user if user is not None and user.is_authenticated else None
        ids = [change.commitment.pk for change in changes]
        superseded = list(
            StatusUpdate.objects.filter(
                commitment_id__in=ids, period=period, review_state=ReviewState.SUBMITTED
            )
        )
        # The new row is itself the record of the change (who, when, old → new, route); the
        # audit events record what happens to rows afterwards (superseded, reviewed).
        updates = StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(
                    commitment_id=change.commitment.pk,
                    period_id=period.pk,
                    status=change.status,
                    narrative=change.narrative.strip(),
                    evidence_url=change.evidence_url or "",
                    evidence_file=change.evidence_file or "",
                    created_by_id=author.pk if author else None,
                    source=source,
                    previous_id=latest[change.commitment.pk].pk
                    if change.commitment.pk in latest
                    else None,
                    status_before=before.get(change.commitment.pk),
                    review_state=ReviewState.APPROVED if approved else ReviewState.SUBMITTED,
                    reviewed_by_id=author.pk if approved and author else None,
                    reviewed_at=now if approved else None,
                    # Reporting cycle (issue 12): after the deadline, accepted but marked late.
                    late=period.is_late(now),
                )
                for change in changes
            ],
            batch_size=1000,
        )
        if superseded:
            StatusUpdate.objects.filter(pk__in=[u.pk for u in superseded]).update(
                review_state=ReviewState.SUPERSEDED
            )
            ChangeEvent.objects.bulk_create(
                [
                    event(
                        author,
                        ChangeEvent.Action.SUPERSEDED,
                        source,
                        update=old,
                        old=_status_text(old),
                        new=ReviewState.SUPERSEDED,
                    )
                    for old in superseded
                ],
                batch_size=1000,
            )
        if approved:
            announce_figures_changed(StatusUpdate)
    return updates


def record_status(
    *,
    commitment: Commitment,
    period: ReportingPeriod,
    status: int,
    narrative: str = "",
    user=None,
    source: str = Source.WEB,
    base_version: int | None = 0,
    evidence_url: str = "",
    evidence_file=None,
) -> StatusUpdate:
    """Record one status: ``record_many`` with one change. Raises ``Conflict`` when someone
    else recorded a newer row, ``ValidationError`` (by field) for any other broken rule."""
    change = StatusChange(commitment, status, narrative, base_version, evidence_url, evidence_file)
    if status not in Status.values:
        raise ValidationError({"status": _("Status must be a whole number from 0 to 5.")})
    try:
        return record_many([change], period=period, user=user, source=source)[0]
    except ChangesRefused as refused:
        if commitment.code in refused.conflicts:
            raise Conflict(refused.conflicts[commitment.code]) from None
        messages = refused.errors.get(commitment.code, [])
        by_field = {
            str(_("Explain the change of status in the narrative.")): "narrative",
            narrative_too_long_message(len(narrative)): "narrative",
            no_row_message(commitment.code, period.code): "base_version",
        }
        fields: dict[str, list[str]] = {}
        for message in messages:
            fields.setdefault(by_field.get(message, NON_FIELD_ERRORS), []).append(message)
        raise ValidationError(fields) from None
