"""Writes to commitments and statuses. Every route (web, spreadsheet, API) calls these."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countries.models import Country

from .models import (
    ChangeEvent,
    Commitment,
    FocusArea,
    NationalPlan,
    PeriodKind,
    Pillar,
    ReportingPeriod,
    ReviewState,
    Source,
    StatedCount,
    Status,
    StatusUpdate,
)
from .permissions import can_record, is_secretariat, require_record, require_secretariat
from .signals import announce_figures_changed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class LoadResult:
    countries: int
    pillars: int
    focus_areas: int
    periods: int
    plans: int
    commitments: int
    created: int
    updated: int


@transaction.atomic
def load_plans(*, fixtures_dir: Path = FIXTURES_DIR) -> LoadResult:
    """Load reference data and the national plans from ``fixtures/``; idempotent.

    Rows are matched by natural keys (ISO3, pillar number, focus-area code, period code, plan
    country + edition, commitment code), so running it again changes nothing, and a pillar
    re-classified by hand in the admin is kept: only commitments created now get the fixture's
    pillar. Statuses are never touched.
    """
    reference = json.loads((fixtures_dir / "reference.json").read_text(encoding="utf-8"))
    plans_data = json.loads((fixtures_dir / "plans_2021.json").read_text(encoding="utf-8"))

    countries = {}
    for row in reference["countries"]:
        countries[row["iso3"]], _ = Country.objects.update_or_create(
            iso3=row["iso3"], defaults={k: v for k, v in row.items() if k != "iso3"}
        )
    pillars = {}
    for row in reference["pillars"]:
        pillars[row["number"]], _ = Pillar.objects.update_or_create(
            number=row["number"], defaults={k: v for k, v in row.items() if k != "number"}
        )
    areas = {}
    for row in reference["focus_areas"]:
        areas[row["code"]], _ = FocusArea.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    for row in reference["periods"]:
        ReportingPeriod.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )

    created = updated = total = 0
    existing = {c.code: c for c in Commitment.objects.all()}
    for plan_row in plans_data["plans"]:
        country = countries[plan_row["country"]]
        plan, _ = NationalPlan.objects.update_or_create(
            country=country,
            edition=plan_row["edition"],
            defaults={
                "title_en": plan_row["title_en"],
                "title_es": plan_row.get("title_es", ""),
                "summary_en": plan_row["summary_en"],
                "stated_total": plan_row["stated_total"],
            },
        )
        for code, stated in plan_row["stated_by_focus_area"].items():
            StatedCount.objects.update_or_create(
                plan=plan, focus_area=areas[code], defaults={"stated": stated}
            )
        for order, row in enumerate(plan_row["commitments"], start=1):
            total += 1
            fields = {
                "plan": plan,
                "country": country,
                "focus_area": areas[row["focus_area"]],
                "text": row["text"],
                "order": order,
            }
            commitment = existing.get(row["code"])
            if commitment is None:
                Commitment.objects.create(
                    code=row["code"],
                    pillar=pillars[row["pillar"]],
                    pillar_rationale=row["pillar_rationale"],
                    text_es=row.get("text_es", ""),
                    **fields,
                )
                created += 1
            elif any(getattr(commitment, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(commitment, k, v)
                commitment.save(update_fields=list(fields))
                updated += 1
    announce_figures_changed(Commitment)
    return LoadResult(
        countries=len(countries),
        pillars=len(pillars),
        focus_areas=len(areas),
        periods=len(reference["periods"]),
        plans=len(plans_data["plans"]),
        commitments=total,
        created=created,
        updated=updated,
    )


class PeriodLocked(ValidationError):
    """The period is locked: nothing in it may change."""


class Conflict(Exception):
    """Someone else changed this commitment and period since the editor loaded it."""

    def __init__(self, current: StatusUpdate):
        self.current = current
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


def current_version(commitment: Commitment, period: ReportingPeriod) -> StatusUpdate | None:
    """The newest row for this commitment in this period, whatever its review state."""
    return (
        StatusUpdate.objects.select_related("created_by", "commitment", "period")
        .filter(commitment=commitment, period=period)
        .order_by("-created_at", "-id")
        .first()
    )


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
    before): per-commitment messages, conflicting rows, the newest row per commitment in the
    period and the approved status shown before. A constant number of queries.

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
        # Lock the commitment rows so concurrent saves of them are serialised (PostgreSQL;
        # SQLite serialises writers anyway).
        list(Commitment.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    latest: dict[int, StatusUpdate] = {}
    for row in (
        StatusUpdate.objects.filter(commitment_id__in=ids, period=period)
        .select_related("created_by", "commitment", "period")
        .order_by("created_at", "id")
    ):
        latest[row.commitment_id] = row  # the last one wins: the newest
    before = dict(
        Commitment.objects.filter(pk__in=ids)
        .with_current_status(period)
        .values_list("pk", "current_status")
    )
    seen: set[int] = set()
    for change in changes:
        commitment = change.commitment
        problems = []
        if not can_record(user, commitment.country_id):
            problems.append(_("You may only record statuses for your own country."))
        if change.status not in Status.values:
            problems.append(_("Status must be a whole number from 0 to 5."))
        if commitment.pk in seen:
            problems.append(_("This commitment appears more than once."))
        seen.add(commitment.pk)
        newest = latest.get(commitment.pk)
        if change.base_version is not None and (newest.pk if newest else 0) != change.base_version:
            conflicts[commitment.code] = newest
            problems.append(str(Conflict(newest)))
        elif change.status != before.get(commitment.pk) and not change.narrative.strip():
            problems.append(_("Explain the change of status in the narrative."))
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
        period = ReportingPeriod.objects.get(pk=period.pk)
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
                    _event(
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
        narrative_msg = str(_("Explain the change of status in the narrative."))
        if narrative_msg in messages:
            raise ValidationError({"narrative": narrative_msg}) from None
        raise ValidationError(messages) from None


def _event(user, action, route, *, update=None, period=None, old="", new="", comment=""):
    return ChangeEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        route=route,
        commitment_id=update.commitment_id if update else None,
        period_id=update.period_id if update else (period.pk if period else None),
        status_update=update,
        old_value=old,
        new_value=new,
        comment=comment,
    )


def _log(user, action, route, **fields):
    _event(user, action, route, **fields).save()


def review(*, updates, user, approve: bool, comment: str = "", route: str = Source.WEB) -> int:
    """Approve or return submitted updates, all or none. Returns how many were reviewed.

    Only the secretariat reviews; only pending submissions that are still the newest row for
    their commitment and period can be reviewed; nothing in a locked period; returning needs a
    comment for the national team.
    """
    require_secretariat(user)
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the update is returned.")})
    with transaction.atomic():
        ids = [u.pk for u in updates]
        rows = list(
            StatusUpdate.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("commitment", "period")
        )
        if len(rows) != len(set(ids)):
            raise ValidationError(_("Some of the selected updates no longer exist."))
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
        for row in rows:
            row.review_state = ReviewState.APPROVED if approve else ReviewState.RETURNED
            row.reviewed_by = user
            row.reviewed_at = now
            row.review_comment = comment.strip()
            row.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_comment"])
            _log(
                user,
                ChangeEvent.Action.APPROVED if approve else ChangeEvent.Action.RETURNED,
                route,
                update=row,
                old=ReviewState.SUBMITTED,
                new=row.review_state,
                comment=comment.strip(),
            )
        if approve:
            announce_figures_changed(StatusUpdate)
    return len(rows)


def set_period_locked(*, period: ReportingPeriod, locked: bool, user) -> ReportingPeriod:
    require_secretariat(user)
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.locked != locked:
            period.locked = locked
            period.save(update_fields=["locked"])
            action = (
                ChangeEvent.Action.PERIOD_LOCKED if locked else ChangeEvent.Action.PERIOD_UNLOCKED
            )
            _log(user, action, Source.WEB, period=period, old=str(not locked), new=str(locked))
    return period


PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$")


def open_period(*, code: str, user) -> ReportingPeriod:
    """Open a new reporting period from its code: ``2026`` (annual) or ``2026-H1`` (mid-year)."""
    require_secretariat(user)
    match = PERIOD_CODE.match((code or "").strip())
    if not match:
        raise ValidationError({"code": _("Use a year (2026) or a half year (2026-H1).")})
    year, half = int(match["year"]), match["half"]
    if half is None:
        kind, start, end = PeriodKind.ANNUAL, date(year, 1, 1), date(year, 12, 31)
    elif half == "1":
        kind, start, end = PeriodKind.MIDYEAR, date(year, 1, 1), date(year, 6, 30)
    else:
        kind, start, end = PeriodKind.MIDYEAR, date(year, 7, 1), date(year, 12, 31)
    with transaction.atomic():
        if ReportingPeriod.objects.filter(code=match.group(0)).exists():
            raise ValidationError({"code": _("This period already exists.")})
        period = ReportingPeriod.objects.create(
            code=match.group(0), kind=kind, start_date=start, end_date=end
        )
        _log(user, ChangeEvent.Action.PERIOD_OPENED, Source.WEB, period=period, new=period.code)
    return period


DEMO_PERIODS = [
    # (code, kind, start, end, share of commitments reported in the period)
    ("2021", "annual", "2021-01-01", "2021-12-31", 0.55),
    ("2022", "annual", "2022-01-01", "2022-12-31", 0.7),
    ("2023", "annual", "2023-01-01", "2023-12-31", 0.75),
    ("2024-H1", "midyear", "2024-01-01", "2024-06-30", 0.35),
    ("2024", "annual", "2024-01-01", "2024-12-31", 0.8),
]


@transaction.atomic
def seed_demo() -> int:
    """Replace the demo statuses with a deterministic, clearly synthetic history (2021-2024).

    Every row written has source ``demo``; real statuses are never touched. The same database
    always gets the same history (each commitment's sequence is seeded by its code).
    """
    StatusUpdate.objects.filter(source=Source.DEMO).delete()
    periods = {}
    for code, kind, start, end, _share in DEMO_PERIODS:
        periods[code], _ = ReportingPeriod.objects.get_or_create(
            code=code, defaults={"kind": kind, "start_date": start, "end_date": end}
        )
    rows = []
    for commitment in Commitment.objects.order_by("code"):
        rng = random.Random(f"mirps-demo:{commitment.code}")
        if rng.random() < 0.12:  # some commitments are never reported, as in real follow-up
            continue
        status = None
        for code, _kind, _start, _end, share in DEMO_PERIODS:
            if rng.random() > share:
                continue
            if status is None:
                status = rng.choice([0, 0, 1, 1, 2])
            else:
                step = rng.choice([-1, 0, 0, 1, 1, 1, 2])
                status = max(0, min(5, status + step))
            rows.append(
                StatusUpdate(
                    commitment=commitment,
                    period=periods[code],
                    status=status,
                    narrative=f"[DEMO] Synthetic status for {commitment.code} in {code}.",
                    source=Source.DEMO,
                )
            )
    StatusUpdate.objects.bulk_create(rows, batch_size=500)
    announce_figures_changed(StatusUpdate)
    return len(rows)


def demo_data_present() -> bool:
    return StatusUpdate.objects.filter(source=Source.DEMO).exists()
