"""Recording statuses: the one write path of every route (web, matrix, spreadsheet, API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import IntegerField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeEvent
from audit.services import event
from commitments.locking import lock_commitments
from commitments.models import Commitment
from commitments.selectors import OutOfForce, out_of_force
from countries.permissions import countries_worked_for, is_secretariat, require_record
from mirps.bulk import Inserted, Same, insert_columns
from mirps.i18n import active_language, long_date
from mirps.links import clean_link
from mirps.signals import announce_figures_changed
from mirps.sql import ids_in
from mirps.vocabulary import ReviewState, Route
from periods.locking import share_period
from periods.models import ReportingPeriod
from periods.services import (
    PeriodLocked,  # noqa: F401 (what record_status raises, importable from here too)
    refuse_if_locked,
)
from statuses.models import Status, StatusUpdate
from statuses.selectors import newest_in_period, status_as_of


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


def link_problem(link: str) -> Problem | None:
    """The evidence link's problem (too long, not a web address), or None: ``clean_link``'s
    rule, the same for the form, the API and the spreadsheets."""
    try:
        clean_link(link)
    except ValidationError as refused:
        code = {"link_too_long": "evidence_too_long"}.get(refused.code, "evidence_not_url")
        return Problem(code, refused.messages[0], **(refused.params or {}))
    return None


# Which field of a form or the API each rule's problem belongs to (record_status).
PROBLEM_FIELDS = {
    "narrative_required": "narrative",
    "narrative_too_long": "narrative",
    "evidence_too_long": "evidence_url",
    "evidence_not_url": "evidence_url",
    "version_no_row": "base_version",
    "replaced_edition": "commitment",
    "edition_not_started": "commitment",
}


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


def already_recorded(change: StatusChange, newest: StatusUpdate | None) -> bool:
    """True when ``change`` asks for exactly what the newest row of its commitment and period
    already holds, and that row stands (submitted or approved): the same status, narrative and
    evidence link, and no other file. Saving it again changes nothing, so the pages say so
    ("already recorded") instead of writing a copy or, for a repeated submit whose version is
    now one behind, refusing it as a conflict with the person's own save. A returned row is
    not standing: sending it again, even unchanged, is a new submission."""
    if newest is None or newest.review_state not in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        return False
    if link_problem(change.evidence_url or ""):
        return False
    file = change.evidence_file or ""
    same_file = isinstance(file, str) and file == (newest.evidence_file.name or "")
    return (
        newest.status == change.status
        and newest.narrative == change.narrative.strip()
        and newest.evidence_url == clean_link(change.evidence_url)
        and same_file
    )


class ChangesRefused(ValidationError):
    """Some changes break a rule; nothing was written. ``errors`` maps commitment code to its
    messages; ``conflicts`` maps code to the other person's newer row."""

    def __init__(self, errors: dict[str, list[str]], conflicts: dict[str, StatusUpdate]):
        self.errors = errors
        self.conflicts = conflicts
        super().__init__([f"{code}: {' '.join(msgs)}" for code, msgs in errors.items()])


class _Rows(NamedTuple):
    latest: dict[int, StatusUpdate]  # commitment id -> newest row in the period
    before: dict[int, int]  # commitment id -> approved status as of the period


class PeriodRows(_Rows):
    """What a period holds for some commitments, read once: the newest row of each in the
    period (any review state, with its author) and the approved status shown as of it; and,
    beside them, ``not_in_force``: the ids of those commitments that are not of the edition in
    force at the period's end (an attribute, not a member, so ``latest, before = rows`` reads
    the two members as it always did)."""

    not_in_force: frozenset[int]

    def __new__(cls, latest, before, not_in_force=frozenset()):
        rows = super().__new__(cls, latest, before)
        rows.not_in_force = frozenset(not_in_force)
        return rows


def period_rows(period: ReportingPeriod, ids) -> PeriodRows:
    """The ``PeriodRows`` of the commitments ``ids`` in ``period``. Two queries: the newest
    row of each in the period; then, as one ``UNION ALL``, the status of each as of the period
    (``status_as_of``, the set form) and the commitments not in force at the period's end
    (``Commitment.objects.not_in_force``: those of replaced editions or of editions not
    started, a status of none; few, and none while every country has one edition)."""
    ids = list(ids)
    newest = newest_in_period(period, commitments=ids)
    newest = newest.select_related("created_by", "commitment", "period")
    latest = {row.commitment_id: row for row in newest}
    shown = status_as_of(period, commitments=ids).values_list("commitment_id", "status")
    outside = (
        Commitment.objects.not_in_force(period.end_date)
        .annotate(no_status=Value(None, output_field=IntegerField()))
        .order_by()
        .values_list("pk", "no_status")
    )
    wanted = set(ids)
    before, not_in_force = {}, set()
    for pk, status in shown.union(outside, all=True):
        if status is not None:  # a status row (its status is never empty)
            before[pk] = status
        elif pk in wanted:
            not_in_force.add(pk)
    return PeriodRows(latest, before, not_in_force)


def not_in_force_message(reason: OutOfForce, period: ReportingPeriod) -> Problem:
    """A status for a commitment that is not of the edition in force at the end of ``period``
    (``period_rows``'s ``not_in_force``): which edition it belongs to, and when that edition
    starts or which one replaced it and when. ``date`` is given in both languages, for a stored
    copy (a spreadsheet preview) read later in the other one."""
    replaced = reason.replaced_by is not None
    day = reason.replaced_on if replaced else reason.starts_on
    date = {language: long_date(day, language) for language in ("en", "es")}
    params = {
        "code": reason.code,
        "edition": reason.edition,
        "replaced_by": reason.replaced_by or "",
        "date": date,
        "period": period.code,
    }
    shown = {**params, "date": date[active_language()]}
    if replaced:
        message = _(
            "%(code)s belongs to the %(edition)s plan, replaced on %(date)s by the "
            "%(replaced_by)s plan; it cannot be reported for %(period)s."
        )
        return Problem("replaced_edition", message % shown, **params)
    message = _(
        "%(code)s belongs to the %(edition)s plan, in force from %(date)s; it cannot be "
        "reported for %(period)s."
    )
    return Problem("edition_not_started", message % shown, **params)


class Checked(NamedTuple):
    """What ``check_changes`` found: per commitment code its broken rules (``Problem``s, text
    with a code) and the other person's newer row where that is the problem, with the
    ``PeriodRows`` the changes were checked against."""

    errors: dict[str, list[str]]
    conflicts: dict[str, StatusUpdate]
    rows: PeriodRows


def check_changes(
    changes: list[StatusChange],
    *,
    period: ReportingPeriod,
    user,
    lock=False,
    rows: PeriodRows | None = None,
) -> Checked:
    """Validate changes against the rules without writing. ``rows``: what the period holds
    for these commitments when the caller already read it (a preview); else it is read here
    (two queries; with ``lock``, after locking the commitments).

    Rules: the user may record for the commitment's country; the period is open; the
    commitment is of the edition in force at the period's end (``period_rows``'s
    ``not_in_force``; a closed or replaced commitment, or one of an edition that has not
    started, is refused, saying why: ``not_in_force_message``); the status is on the scale; a
    change of status needs a narrative; each commitment once; ``base_version`` is still the
    newest row for the commitment and period (optimistic concurrency).
    """
    errors: dict[str, list[str]] = {}
    conflicts: dict[str, StatusUpdate] = {}
    refuse_if_locked(period)
    ids = [c.commitment.pk for c in changes]
    if lock:
        # Lock the commitment rows so concurrent saves of them are serialised, in the order
        # every writer uses (services/locking.py: after the period, before status updates).
        lock_commitments(ids)
    if rows is None:
        rows = period_rows(period, ids)
    seen: set[int] = set()
    worked_for = countries_worked_for(user)  # ``works_for`` as a set, asked once
    # only when a commitment is not in force: why (one query)
    refused = [pk for pk in ids if pk in getattr(rows, "not_in_force", ())]
    reasons = out_of_force(refused, period.end_date) if refused else {}
    for change in changes:
        problems = _problems(change, worked_for, period, rows, seen, conflicts)
        if change.commitment.pk in reasons:
            # nothing else of the row matters: it cannot be reported in this period at all
            conflicts.pop(change.commitment.code, None)
            problems = [p for p in problems if getattr(p, "code", None) == "not_your_country"]
            problems.append(not_in_force_message(reasons[change.commitment.pk], period))
        if problems:
            errors[change.commitment.code] = problems
    return Checked(errors, conflicts, rows)


_STATUSES = frozenset(Status.values)


def _problems(
    change: StatusChange, worked_for, period, rows: PeriodRows, seen: set, conflicts: dict
):
    """The rules ``change`` breaks (``check_changes``); a conflict is also noted in
    ``conflicts``. ``worked_for``: ``countries_worked_for`` of the user."""
    commitment = change.commitment
    problems = []
    if worked_for is not None and commitment.country_id not in worked_for:
        problems.append(
            Problem("not_your_country", _("You may only record statuses for your own country."))
        )
    if change.status not in _STATUSES:
        problems.append(Problem("status_invalid", _("Status must be a whole number from 0 to 5.")))
    if commitment.pk in seen:
        problems.append(Problem("repeated", _("This commitment appears more than once.")))
    seen.add(commitment.pk)
    if len(change.narrative) > StatusUpdate.NARRATIVE_MAX_LENGTH:
        problems.append(narrative_too_long_message(len(change.narrative)))
    if change.evidence_url and (problem := link_problem(change.evidence_url)):
        problems.append(problem)
    newest = rows.latest.get(commitment.pk)
    before = rows.before.get(commitment.pk)
    if change.base_version is not None and (newest.pk if newest else 0) != change.base_version:
        if newest is None:  # a version given where nothing was ever recorded
            problems.append(no_row_message(commitment.code, period.code))
        else:
            conflicts[commitment.code] = newest
            problems.append(str(Conflict(newest)))
    elif change.status != before and not change.narrative.strip():
        problems.append(
            Problem(
                "narrative_required",
                _("Explain the change of status in the narrative."),
                old=before,
                new=change.status,
            )
        )
    return problems


def record_many(
    changes: list[StatusChange], *, period: ReportingPeriod, user, source: str = Route.WEB
) -> Inserted | list:
    """Record several statuses in one period, all or none (history is never rewritten).

    Every route (web form, country matrix, spreadsheet, API) comes here, so the rules of
    ``check_changes`` hold everywhere; any broken rule raises ``ChangesRefused`` (or
    ``PeriodLocked``) and nothing is written. Secretariat rows are approved on save, others are
    submitted; an earlier pending submission for the same commitment and period is superseded
    (an audit event). Each new row is itself the record of its change: who, when, the status
    before and after, and the route. A constant number of queries, whatever the number of rows.
    Returns the new rows, in the order of ``changes``: written column by column
    (``insert_columns``), made model instances only when read.
    """
    if not changes:
        return []
    worked_for = countries_worked_for(user)
    if worked_for is not None:  # not the secretariat: every row's country is the user's
        for change in changes:
            if change.commitment.country_id not in worked_for:
                require_record(user, change.commitment.country_id)
    with transaction.atomic():
        # The period under a shared lock: a lock of the period waits for this write, and this
        # write waits for a lock in flight and then sees it (services/locking.py).
        period = share_period(period)
        checked = check_changes(changes, period=period, user=user, lock=True)
        if checked.errors:
            raise ChangesRefused(checked.errors, checked.conflicts)
        approved = is_secretariat(user)
        author = user if user is not None and user.is_authenticated else None
        ids = [change.commitment.pk for change in changes]
        superseded = list(
            StatusUpdate.objects.filter(
                commitment_id__in=ids_in(ids), period=period, review_state=ReviewState.SUBMITTED
            )
        )
        # The new row is itself the record of the change (who, when, old → new, route); the
        # audit events record what happens to rows afterwards (superseded, reviewed).
        columns = _new_rows(
            changes, checked, period=period, author=author, approved=approved, source=source
        )
        updates = insert_columns(StatusUpdate, columns, count=len(changes), batch_size=1000)
        if superseded:
            _supersede(superseded, author=author, source=source)
        if approved:
            announce_figures_changed(StatusUpdate)
    return updates


def _new_rows(
    changes: list[StatusChange],
    checked: Checked,
    *,
    period: ReportingPeriod,
    author,
    approved: bool,
    source: str,
) -> dict[str, list | Same]:
    """The rows ``record_many`` writes, one per change, chained to the newest row: column by
    column (``insert_columns``), the values every row shares given once. An evidence file sent
    (not a name already stored) is saved first, through its field, as the insert would."""
    now = timezone.now()
    latest, before = checked.rows.latest, checked.rows.before
    pks = [change.commitment.pk for change in changes]
    columns = {
        "commitment_id": pks,
        "period_id": Same(period.pk),
        "status": [change.status for change in changes],
        "narrative": [change.narrative.strip() for change in changes],
        "evidence_url": [clean_link(change.evidence_url) for change in changes],
        "evidence_file": Same(""),
        "created_by_id": Same(author.pk if author else None),
        "source": Same(source),
        "previous_id": [latest[pk].pk if pk in latest else None for pk in pks],
        "status_before": [before.get(pk) for pk in pks],
        "review_state": Same(ReviewState.APPROVED if approved else ReviewState.SUBMITTED),
        "reviewed_by_id": Same(author.pk if approved and author else None),
        "reviewed_at": Same(now if approved else None),
        # Reporting cycle (issue 12): after the deadline, accepted but marked late.
        "late": Same(period.is_late(now)),
    }
    if any(change.evidence_file for change in changes):
        columns["evidence_file"] = _evidence_files(changes, columns)
    return columns


def _evidence_files(changes: list[StatusChange], columns: dict) -> list[str]:
    """Each row's evidence file by name: a name as given; a file sent, saved through the
    field (its storage and ``upload_to``) on the row it belongs to."""
    field = StatusUpdate._meta.get_field("evidence_file")
    names = []
    for i, change in enumerate(changes):
        file = change.evidence_file or ""
        if isinstance(file, str):
            names.append(file)
            continue
        values = {k: v.value if isinstance(v, Same) else v[i] for k, v in columns.items()}
        row = StatusUpdate(**{**values, "evidence_file": file})
        names.append(field.pre_save(row, add=True).name)
    return names


def _supersede(superseded: list[StatusUpdate], *, author, source: str) -> None:
    """Mark earlier pending submissions superseded, each with its audit event."""
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


def record_status(
    *,
    commitment: Commitment,
    period: ReportingPeriod,
    status: int,
    narrative: str = "",
    user=None,
    source: str = Route.WEB,
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
        fields: dict[str, list[str]] = {}
        for message in messages:
            field = PROBLEM_FIELDS.get(getattr(message, "code", None), NON_FIELD_ERRORS)
            fields.setdefault(field, []).append(message)
        raise ValidationError(fields) from None
