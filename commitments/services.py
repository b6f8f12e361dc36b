"""The national plans: loading them and the reference data from ``fixtures/``, and the edits
made afterwards by hand (a pillar's wording, a commitment's classification), audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.changes import edit_fields, shown
from audit.models import ChangeEvent
from audit.services import log
from commitments.locking import lock_commitments
from commitments.models import (
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    StatedCount,
    edition_first_day,
)
from commitments.pillar_rules import suggest_pillar
from countries.models import Country
from countries.permissions import require_secretariat
from mirps.signals import announce_figures_changed
from mirps.vocabulary import Route
from periods.models import ReportingPeriod

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
    country + edition, commitment code), so running it again changes nothing. What the
    secretariat edited by hand is kept: a commitment's pillar or Spanish text (their
    ``*_edited_at``), a plan's Spanish text, and a country's, a pillar's or a focus area's name
    and a plan's stated figures (edited through the services above, the audit trail says which:
    ``hand_edits``); only rows created now get the fixture's values. A period that exists is
    the secretariat's calendar and is left alone. Statuses are never touched.
    """
    reference = json.loads((fixtures_dir / "reference.json").read_text(encoding="utf-8"))
    plans_data = json.loads((fixtures_dir / "plans_2021.json").read_text(encoding="utf-8"))
    edits = hand_edits()
    ref = _load_reference(reference, edits)

    created = updated = total = 0
    existing = {c.code: c for c in Commitment.objects.all()}
    for plan_row in plans_data["plans"]:
        country = ref.countries[plan_row["country"]]
        plan = _load_plan(plan_row, country, ref.areas, edits)
        for order, row in enumerate(plan_row["commitments"], start=1):
            total += 1
            fields = {
                "plan": plan,
                "country": country,
                "focus_area": ref.areas[row["focus_area"]],
                "text": row["text"],
                "order": order,
            }
            commitment = existing.get(row["code"])
            # What people edit in the app is theirs: a Spanish text or a classification edited
            # by hand (its timestamp set by edit_commitment) is never overwritten here.
            if commitment is None or commitment.translation_edited_at is None:
                fields["text_es"] = row.get("text_es", "")
            if commitment is None or commitment.classification_edited_at is None:
                fields |= _classification(row, ref.pillars)
            if commitment is None:
                Commitment.objects.create(code=row["code"], **fields)
                created += 1
            elif _update(commitment, fields):
                updated += 1
    announce_figures_changed(Commitment)
    return LoadResult(
        countries=len(ref.countries),
        pillars=len(ref.pillars),
        focus_areas=len(ref.areas),
        periods=len(reference["periods"]),
        plans=len(plans_data["plans"]),
        commitments=total,
        created=created,
        updated=updated,
    )


@dataclass
class Reference:
    """The reference data as loaded, by natural key."""

    countries: dict[str, Country]
    pillars: dict[int, Pillar]
    areas: dict[str, FocusArea]


def _load_reference(reference: dict, edits: set[tuple]) -> Reference:
    """Countries, pillars and focus areas created, or updated where nobody edited them by hand
    (``edits``: ``hand_edits``); the periods created when missing."""
    Action = ChangeEvent.Action  # noqa: N806

    def load(model, section: str, key: str, action) -> dict:
        rows = {}
        for row in reference[section]:
            fields = {k: v for k, v in row.items() if k != key}
            kept = {k: v for k, v in fields.items() if (action, row[key], k) not in edits}
            rows[row[key]], _created = model.objects.update_or_create(
                **{key: row[key]}, defaults=kept, create_defaults=fields
            )
        return rows

    for row in reference["periods"]:
        ReportingPeriod.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    return Reference(
        countries=load(Country, "countries", "iso3", Action.COUNTRY_EDITED),
        pillars=load(Pillar, "pillars", "number", Action.PILLAR_EDITED),
        areas=load(FocusArea, "focus_areas", "code", Action.FOCUS_AREA_EDITED),
    )


def _load_plan(plan_row: dict, country: Country, areas: dict, edits: set[tuple]) -> NationalPlan:
    """A plan and its stated counts, created or updated, keeping what was edited by hand: its
    Spanish text (``translation_edited_at``) and stated figures (``edits``)."""
    Action = ChangeEvent.Action  # noqa: N806
    plan = NationalPlan.objects.filter(country=country, edition=plan_row["edition"]).first()
    plan_fields = {
        "title_en": plan_row["title_en"],
        "summary_en": plan_row["summary_en"],
        "stated_total": plan_row["stated_total"],
    }
    if plan is None or plan.translation_edited_at is None:
        plan_fields |= {f: plan_row.get(f, "") for f in PLAN_TRANSLATION_FIELDS}
    if plan is None:
        plan = NationalPlan.objects.create(
            country=country,
            edition=plan_row["edition"],
            starts_on=plan_row.get("starts_on") or edition_first_day(plan_row["edition"]),
            **plan_fields,
        )
    else:
        if (Action.STATED_TOTAL_EDITED, plan.pk, "stated_total") in edits:
            del plan_fields["stated_total"]
        _update(plan, plan_fields)
    for code, stated in plan_row["stated_by_focus_area"].items():
        if (Action.STATED_COUNT_EDITED, plan.pk, code) not in edits:
            StatedCount.objects.update_or_create(
                plan=plan, focus_area=areas[code], defaults={"stated": stated}
            )
    return plan


# The hand edits of the reference data that load_plans keeps, by the audit event each writes.
HAND_EDIT_ACTIONS = [
    ChangeEvent.Action.COUNTRY_EDITED,
    ChangeEvent.Action.PILLAR_EDITED,
    ChangeEvent.Action.FOCUS_AREA_EDITED,
    ChangeEvent.Action.STATED_TOTAL_EDITED,
    ChangeEvent.Action.STATED_COUNT_EDITED,
]


def hand_edits() -> set[tuple]:
    """(action, row, field) of every field of the reference data the secretariat edited by
    hand, read from the audit trail that the edit services write: a country's or focus area's
    (ISO3 or code, field: the event's comment "GTM: name_es"), a pillar's (number, field), a
    plan's stated total (plan id, "stated_total") and a stated count (plan id, focus-area code).
    One query."""
    Action = ChangeEvent.Action  # noqa: N806
    rows = (
        ChangeEvent.objects.filter(action__in=HAND_EDIT_ACTIONS)
        .values_list("action", "pillar__number", "plan_id", "comment")
        .distinct()
    )
    edits = set()
    for action, number, plan_id, comment in rows:
        if action in (Action.COUNTRY_EDITED, Action.FOCUS_AREA_EDITED):
            key, _sep, field = comment.rpartition(": ")
            edits.add((action, key, field))
        else:
            key = number if action == Action.PILLAR_EDITED else plan_id
            edits.add((action, key, comment))
    return edits


def _classification(row: dict, pillars: dict) -> dict:
    """The pillar and its reasons of a fixture row; a row without a pillar (a commitment added
    later, nobody has read it yet) gets the keyword rules' suggestion, marked as one."""
    if row.get("pillar"):
        number = row["pillar"]
        reason_en, reason_es = row.get("pillar_rationale", ""), row.get("pillar_rationale_es", "")
    else:
        suggestion = suggest_pillar(row["text"], row["focus_area"])
        number, reason_en, reason_es = suggestion.pillar, suggestion.reason_en, suggestion.reason_es
    return {
        "pillar": pillars[number],
        "pillar_rationale": reason_en[:300],
        "pillar_rationale_es": reason_es[:300],
    }


def _update(obj, fields: dict) -> bool:
    """Set the fields that differ and save only them; whether anything changed."""
    changed = [k for k, v in fields.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, fields[k])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


PLAN_TRANSLATION_FIELDS = ["title_es", "summary_es"]
PLAN_TEXT_MAX_LENGTH = {"title_es": 200, "summary_es": 5000}
TEXT_ES_MAX_LENGTH = Commitment.TEXT_ES_MAX_LENGTH
PILLAR_FIELDS = ["name_en", "name_es", "description_en", "description_es"]
FOCUS_AREA_FIELDS = ["name_en", "name_es", "order"]
COUNTRY_FIELDS = ["name_en", "name_es"]
COMMITMENT_FIELDS = ["pillar", "pillar_rationale", "pillar_rationale_es", "text_es"]
# Which edit-timestamp a field's change sets (what load_plans then leaves alone).
EDITED_AT = {
    "pillar": "classification_edited_at",
    "pillar_rationale": "classification_edited_at",
    "pillar_rationale_es": "classification_edited_at",
    "text_es": "translation_edited_at",
}


def edit_pillar(*, pillar: Pillar, user, route: str = Route.WEB, **changes) -> Pillar:
    """Rename or re-describe a pillar: an audit event per field changed, and the figures move
    (their labels are cached). Only the names and descriptions may change, never the number."""
    return edit_fields(
        pillar,
        changes,
        allowed=PILLAR_FIELDS,
        user=user,
        action=ChangeEvent.Action.PILLAR_EDITED,
        route=route,
        about={"pillar": pillar},
    )


def edit_focus_area(*, focus_area: FocusArea, user, route: str = Route.WEB, **changes) -> FocusArea:
    """Rename a focus area or move it in the order the pages list them: an audit event per
    field changed (the code in the comment: "PRO: name_es"), and the figures move. The code is
    the plans' own and never changes."""
    return edit_fields(
        focus_area,
        changes,
        allowed=FOCUS_AREA_FIELDS,
        user=user,
        action=ChangeEvent.Action.FOCUS_AREA_EDITED,
        route=route,
        subject=focus_area.code,
    )


def edit_country(*, country: Country, user, route: str = Route.WEB, **changes) -> Country:
    """Rename a country (in either language): an audit event per field changed ("GTM:
    name_es"), and the figures move. The ISO code never changes."""
    return edit_fields(
        country,
        changes,
        allowed=COUNTRY_FIELDS,
        user=user,
        action=ChangeEvent.Action.COUNTRY_EDITED,
        route=route,
        subject=country.iso3,
    )


def edit_stated_total(
    *, plan: NationalPlan, stated_total: int | None, user, route: str = Route.WEB
) -> NationalPlan:
    """Correct the total of commitments a plan states (None: the plan states none), as the
    source prints it: an audit event (old and new), and the figures move (the data-quality
    line compares it with the commitments loaded). A negative or non-whole number is refused
    (``ValidationError``) and nothing is written."""
    return edit_fields(
        plan,
        {"stated_total": stated_total},
        allowed=["stated_total"],
        user=user,
        action=ChangeEvent.Action.STATED_TOTAL_EDITED,
        route=route,
        about={"plan": plan},
    )


@transaction.atomic
def edit_stated_count(
    *,
    plan: NationalPlan,
    focus_area: FocusArea,
    stated: int | None,
    user,
    route: str = Route.WEB,
) -> StatedCount | None:
    """Set the number of commitments a plan states for a focus area (None: it states none, and
    the row goes): an audit event with the old and new count (the focus area's code in the
    comment), and the figures move. A bad count is refused (``ValidationError``), nothing
    written. Returns the row, or None when there is none any more."""
    require_secretariat(user)
    plan = NationalPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    row = StatedCount.objects.filter(plan=plan, focus_area=focus_area).first()
    old = row.stated if row is not None else None
    if stated == old:
        return row
    if stated is None:
        row.delete()
        row = None
    else:
        row = row or StatedCount(plan=plan, focus_area=focus_area)
        row.stated = stated
        row.full_clean()
        row.save()
    log(
        user,
        ChangeEvent.Action.STATED_COUNT_EDITED,
        route,
        plan=plan,
        old=shown(old),
        new=shown(stated),
        comment=focus_area.code,
    )
    announce_figures_changed(StatedCount)
    return row


@transaction.atomic
def edit_commitment(
    *, commitment: Commitment, user, route: str = Route.WEB, **changes
) -> Commitment:
    """Re-classify a commitment (its pillar, with the reason) or edit its Spanish working
    translation: an audit event per field changed (old and new value), the time of the edit
    kept so load_plans leaves it alone, and the figures move. Code, country, focus area and the
    printed text come from the plans and never change here."""
    require_secretariat(user)
    unknown = set(changes) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "text_es" in changes:
        changes["text_es"] = (changes["text_es"] or "").strip()
        if len(changes["text_es"]) > TEXT_ES_MAX_LENGTH:
            raise ValueError(f"The Spanish text is longer than {TEXT_ES_MAX_LENGTH} characters.")
    lock_commitments([commitment.pk])
    commitment = Commitment.objects.select_related("pillar").get(pk=commitment.pk)
    changed = [f for f, value in changes.items() if getattr(commitment, f) != value]
    for field in changed:
        old = getattr(commitment, field)
        setattr(commitment, field, changes[field])
        log(
            user,
            ChangeEvent.Action.COMMITMENT_EDITED,
            route,
            commitment=commitment,
            old=shown(old),
            new=shown(changes[field]),
            comment=field,
        )
    stamps = sorted({EDITED_AT[f] for f in changed})
    for stamp in stamps:
        setattr(commitment, stamp, timezone.now())
    if changed:
        commitment.save(update_fields=changed + stamps)
        announce_figures_changed(Commitment)
    return commitment


@transaction.atomic
def edit_plan_translation(
    *, plan: NationalPlan, user, route: str = Route.WEB, **changes
) -> NationalPlan:
    """Edit a plan's Spanish working translation (``title_es``, ``summary_es``): an audit event
    per field changed, with the old and new text, and the time of the edit kept so load_plans
    leaves it alone. The printed English title and summary never change here."""
    require_secretariat(user)
    unknown = set(changes) - set(PLAN_TRANSLATION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changes = {f: (v or "").strip() for f, v in changes.items()}
    for field, value in changes.items():
        if len(value) > PLAN_TEXT_MAX_LENGTH[field]:
            raise ValueError(f"{field} is longer than {PLAN_TEXT_MAX_LENGTH[field]} characters.")
    plan = NationalPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    changed = [f for f, value in changes.items() if getattr(plan, f) != value]
    for field in changed:
        log(
            user,
            ChangeEvent.Action.PLAN_EDITED,
            route,
            plan=plan,
            old=getattr(plan, field),
            new=changes[field],
            comment=field,
        )
        setattr(plan, field, changes[field])
    if changed:
        plan.translation_edited_at = timezone.now()
        plan.save(update_fields=[*changed, "translation_edited_at"])
        announce_figures_changed(NationalPlan)
    return plan
