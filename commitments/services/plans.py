"""The national plans: loading them and the reference data from ``fixtures/``, and the edits
made afterwards by hand (a pillar's wording, a commitment's classification), audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

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


PILLAR_FIELDS = ["name_en", "name_es", "description_en", "description_es"]
COMMITMENT_FIELDS = ["pillar", "pillar_rationale", "text_es"]


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
    """Re-classify a commitment (its pillar, with the reason) or add its Spanish text: an audit
    event per field changed, and the figures move. Code, country, focus area and the printed
    text come from the plans and never change here."""
    require_secretariat(user)
    unknown = set(changes) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
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
    if changed:
        commitment.save(update_fields=changed)
        announce_figures_changed(Commitment)
    return commitment
