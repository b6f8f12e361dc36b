"""Loading the national plans and the reference data from ``fixtures/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from countries.models import Country

from ..models import (
    Commitment,
    FocusArea,
    NationalPlan,
    Pillar,
    ReportingPeriod,
    StatedCount,
)
from ..signals import announce_figures_changed

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
