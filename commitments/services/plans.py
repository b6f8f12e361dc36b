"""The national plans: loading them and the reference data from ``fixtures/``, and the edits
made afterwards by hand (a pillar's wording, a commitment's classification), audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from countries.models import Country

from ..models import (
    ChangeEvent,
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    ReportingPeriod,
    Source,
    StatedCount,
)
from ..permissions import require_secretariat
from ..pillar_rules import suggest_pillar
from ..signals import announce_figures_changed
from .audit import log
from .locking import lock_commitments

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
                country=country, edition=plan_row["edition"], **plan_fields
            )
        else:
            _update(plan, plan_fields)
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
            # What people edit in the app is theirs: a Spanish text or a classification edited
            # by hand (its timestamp set by edit_commitment) is never overwritten here.
            if commitment is None or commitment.translation_edited_at is None:
                fields["text_es"] = row.get("text_es", "")
            if commitment is None or commitment.classification_edited_at is None:
                fields |= _classification(row, pillars)
            if commitment is None:
                Commitment.objects.create(code=row["code"], **fields)
                created += 1
            elif _update(commitment, fields):
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


def _classification(row: dict, pillars: dict) -> dict:
    """The pillar and its reasons of a fixture row; a row without a pillar (a commitment added
    later, nobody has read it yet) gets the keyword rules' suggestion, marked as one."""
    if row.get("pillar"):
        number = row["pillar"]
        reason_en, reason_es = row.get("pillar_rationale", ""), row.get("pillar_rationale_es", "")
    else:
        number, reason_en, reason_es = suggest_pillar(row["text"], row["focus_area"])
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
COMMITMENT_FIELDS = ["pillar", "pillar_rationale", "pillar_rationale_es", "text_es"]
# Which edit-timestamp a field's change sets (what load_plans then leaves alone).
EDITED_AT = {
    "pillar": "classification_edited_at",
    "pillar_rationale": "classification_edited_at",
    "pillar_rationale_es": "classification_edited_at",
    "text_es": "translation_edited_at",
}


def _shown(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def edit_pillar(*, pillar: Pillar, user, route: str = Source.WEB, **changes) -> Pillar:
    """Rename or re-describe a pillar: an audit event per field changed, and the figures move
    (their labels are cached). Only the names and descriptions may change, never the number."""
    require_secretariat(user)
    unknown = set(changes) - set(PILLAR_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    pillar = Pillar.objects.select_for_update(of=("self",)).get(pk=pillar.pk)
    changed = [f for f, value in changes.items() if getattr(pillar, f) != value]
    for field in changed:
        old = getattr(pillar, field)
        setattr(pillar, field, changes[field])
        log(
            user,
            ChangeEvent.Action.PILLAR_EDITED,
            route,
            pillar=pillar,
            old=old,
            new=changes[field],
            comment=field,
        )
    if changed:
        pillar.save(update_fields=changed)
        announce_figures_changed(Pillar)
    return pillar


@transaction.atomic
def edit_commitment(
    *, commitment: Commitment, user, route: str = Source.WEB, **changes
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
            old=_shown(old),
            new=_shown(changes[field]),
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
    *, plan: NationalPlan, user, route: str = Source.WEB, **changes
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
