"""Writes to funding: only the secretariat records requirements and contributions (the admin
calls these functions, as will any other route), and the published quantifications are loaded
from ``fixtures/`` (``manage.py load_funding``; idempotent).

The gap is never written anywhere: a line has a requirement and contributions, and the gap is
computed from them. Where a source states a gap and not what is funded, the loader records one
contribution of a source "not stated", derived as requirement − gap, and says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.changes import differences, events_for
from audit.models import ChangeEvent
from audit.services import log
from commitments.models import FocusArea
from countries.permissions import require_secretariat
from funding.models import Contribution, FundingLine, Quantification, SourceKind
from mirps.numbers import parse_amount
from mirps.signals import announce_figures_changed
from mirps.vocabulary import Route

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
QUANTIFICATION_FILE = "quantification_2020.json"


def _author(user):
    return user if user is not None and user.is_authenticated else None


# What the secretariat edits of a line and of a contribution (the route, author and time are
# the record's own).
LINE_FIELDS = [
    "quantification",
    "order",
    "year",
    "country",
    "focus_area",
    "focus_area_note",
    "commitment",
    "label_en",
    "label_es",
    "label_as_printed",
    "label_legible",
    "label_completed",
    "label_note",
    "requirement",
    "requirement_as_written",
    "gap_as_written",
    "source_document",
    "source_section",
    "source_quote",
    "note",
]
CONTRIBUTION_FIELDS = ["line", "source_kind", "funder", "amount", "derived", "note"]


def _line_name(line: FundingLine) -> str:
    return f"line {line.pk}"


def _contribution_name(contribution: Contribution) -> str:
    return f"line {contribution.line_id}, contribution {contribution.pk}"


def _refuse_source(line: FundingLine | None) -> None:
    """Lines loaded from a published source stay as printed (load_funding writes them)."""
    if line is not None and line.route == Route.SOURCE:
        raise ValidationError(
            _("This line was loaded from a published source: it stays as printed.")
        )


def _save(row, *, fields, names, actions, user, route):
    """Create or change ``row`` (a line or a contribution, checked already): an audit event
    for the new row, or one per field changed (old → new); the figures move."""
    model = type(row)
    added, edited = actions
    with transaction.atomic():
        if row.pk is None:
            row.save()
            log(user, added, route, new=str(row), comment=names(row))
        else:
            stored = model.objects.select_for_update(of=("self",)).get(pk=row.pk)
            _refuse_source(stored if model is FundingLine else stored.line)
            changed = differences(stored, row, fields)
            if not changed:
                return row
            row.save(update_fields=[c.field for c in changed])
            ChangeEvent.objects.bulk_create(
                events_for(changed, user=user, action=edited, route=route, subject=names(row))
            )
        announce_figures_changed(model)
    return row


def _delete(row, *, names, action, user, route):
    with transaction.atomic():
        log(user, action, route, old=str(row), comment=names(row))
        row.delete()
        announce_figures_changed(type(row))


def save_line(line: FundingLine, *, user, route: str = Route.ADMIN) -> FundingLine:
    """Create or change a funding line (secretariat only), after every model rule is checked
    (``ValidationError``, nothing written); audited (the new line, or each field changed with
    its old and new value); the figures move. A line loaded from a source is never changed."""
    require_secretariat(user)
    if line.pk is None:
        line.route = route
        line.created_by = _author(user)
    line.full_clean()  # every model rule, the commitment's country included
    return _save(
        line,
        fields=LINE_FIELDS,
        names=_line_name,
        actions=(ChangeEvent.Action.FUNDING_LINE_ADDED, ChangeEvent.Action.FUNDING_LINE_EDITED),
        user=user,
        route=route,
    )


def save_contribution(
    contribution: Contribution, *, user, route: str = Route.ADMIN
) -> Contribution:
    """Create or change a contribution to a line (as ``save_line``; never to a source line)."""
    require_secretariat(user)
    _refuse_source(contribution.line)
    if contribution.pk is None:
        contribution.route = route
        contribution.created_by = _author(user)
    contribution.full_clean()
    return _save(
        contribution,
        fields=CONTRIBUTION_FIELDS,
        names=_contribution_name,
        actions=(ChangeEvent.Action.CONTRIBUTION_ADDED, ChangeEvent.Action.CONTRIBUTION_EDITED),
        user=user,
        route=route,
    )


def delete_contribution(contribution: Contribution, *, user, route: str = Route.ADMIN) -> None:
    """Delete a contribution (secretariat only; never one of a source line): audited, with
    what it was; the figures move."""
    require_secretariat(user)
    _refuse_source(contribution.line)
    _delete(
        contribution,
        names=_contribution_name,
        action=ChangeEvent.Action.CONTRIBUTION_DELETED,
        user=user,
        route=route,
    )


def delete_line(line: FundingLine, *, user, route: str = Route.ADMIN) -> None:
    """Delete a funding line and its contributions (secretariat only; never a source line):
    audited, with what it was; the figures move."""
    require_secretariat(user)
    _refuse_source(line)
    _delete(
        line,
        names=_line_name,
        action=ChangeEvent.Action.FUNDING_LINE_DELETED,
        user=user,
        route=route,
    )


class FixtureError(ValueError):
    """The fixture contradicts itself: a figure not in its quote, or totals that do not add up
    to what it says."""


def figure(as_written: str, normalised: str, quote: str, where: str) -> Decimal:
    """The number printed in ``quote`` as ``as_written`` (either separator style), checked
    against the fixture's normalised value."""
    number = parse_amount(as_written)
    if number != Decimal(normalised):
        raise FixtureError(f"{where}: {as_written!r} reads as {number}, not {normalised}")
    if as_written not in quote:
        raise FixtureError(f"{where}: {as_written!r} is not in its quote")
    return number


@dataclass
class FundingLoad:
    quantifications: int
    lines: int
    created: int
    updated: int


@transaction.atomic
def load_quantification(*, fixtures_dir: Path = FIXTURES_DIR) -> FundingLoad:
    """Load the 2020 quantification: its stated totals and each line (matched by its order),
    with the funded amount derived from the stated gap. Running it again changes nothing;
    the fixture's own reconciliation must equal the sums of its lines, or nothing is loaded."""
    data = json.loads((fixtures_dir / QUANTIFICATION_FILE).read_text(encoding="utf-8"))
    source, totals = data["source"], data["stated_totals"]
    requirement = figure(
        totals["requirement_as_written"], totals["requirement"], totals["quote"], "total"
    )
    gap = figure(totals["gap_as_written"], totals["gap"], totals["quote"], "total gap")
    quantification, q_created = Quantification.objects.update_or_create(
        code=str(data["year"]),
        defaults={
            "title_en": "Quantification of MIRPS commitments",
            "title_es": "Cuantificación de los compromisos del MIRPS",
            "year": data["year"],
            "source_document": source["title_en"],
            "source_file": source["file"],
            "source_section": source["section"],
            "source_quote": totals["quote"],
            "stated_requirement": requirement,
            "stated_funded": requirement - gap,
            "stated_requirement_as_written": totals["requirement_as_written"],
            "stated_gap_as_written": totals["gap_as_written"],
            "note": data["reconciliation"]["note"],
        },
    )
    areas = {a.code: a for a in FocusArea.objects.all()}
    created = updated = 0
    sums = {"requirement": Decimal(0), "gap": Decimal(0)}
    for row in data["lines"]:
        where = f"line {row['order']}"
        line_requirement = figure(
            row["requirement_as_written"], row["requirement"], row["quote"], where
        )
        line_gap = figure(row["gap_as_written"], row["gap"], row["quote"], f"{where} gap")
        sums["requirement"] += line_requirement
        sums["gap"] += line_gap
        fields = _line_fields(row, data, areas, where, requirement=line_requirement)
        line = FundingLine.objects.filter(quantification=quantification, order=row["order"]).first()
        if line is None:
            line = FundingLine.objects.create(
                quantification=quantification, order=row["order"], route=Route.SOURCE, **fields
            )
            created += 1
        elif any(getattr(line, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(line, key, value)
            line.save()
            updated += 1
        _keep_derived_contribution(line, line_requirement - line_gap)
    _check_reconciliation(data["reconciliation"], sums, requirement=requirement, gap=gap)
    if q_created or created or updated:
        announce_figures_changed(FundingLine)
    return FundingLoad(
        quantifications=1, lines=len(data["lines"]), created=created, updated=updated
    )


def _line_fields(row: dict, data: dict, areas: dict, where: str, *, requirement: Decimal) -> dict:
    """A fixture line's fields, once its printed label and focus area are checked."""
    legible = bool(row["label_legible"])
    if legible and not (row["label_as_printed"] and row["label_as_printed"] in row["label_quote"]):
        raise FixtureError(f"{where}: the printed label is not in its quote")
    area_code = row.get("focus_area")
    if area_code and area_code not in areas:
        raise FixtureError(f"{where}: unknown focus area {area_code}")
    source = data["source"]
    return {
        "year": data["year"],
        "country": None,
        "focus_area": areas.get(area_code) if area_code else None,
        "focus_area_note": row.get("focus_area_note", ""),
        "label_en": row["label_en"] or "",
        "label_es": row["label_es"] or "",
        "label_as_printed": row["label_as_printed"] or "",
        "label_legible": legible,
        "label_completed": bool(row.get("label_truncated")),
        "label_note": row.get("label_note", ""),
        "requirement": requirement,
        "requirement_as_written": row["requirement_as_written"],
        "gap_as_written": row["gap_as_written"],
        "source_document": source["title_en"],
        "source_section": source["section"],
        "source_quote": row["quote"],
        "note": row.get("note", ""),
    }


def _keep_derived_contribution(line: FundingLine, funded: Decimal) -> None:
    """The line's derived contribution (requirement − stated gap), created or brought up to
    date."""
    derived = line.contributions.filter(derived=True).first()
    note = "Derived: requirement − the stated gap; the source does not say who funds it."
    if derived is None:
        Contribution.objects.create(
            line=line,
            source_kind=SourceKind.NOT_STATED,
            amount=funded,
            derived=True,
            note=note,
            route=Route.SOURCE,
        )
    elif derived.amount != funded:
        derived.amount = funded
        derived.save(update_fields=["amount"])


def _check_reconciliation(stated: dict, sums: dict, *, requirement: Decimal, gap: Decimal) -> None:
    """The fixture's own reconciliation must equal the sums of its lines (``FixtureError``)."""
    expected = {
        "sum_requirements": sums["requirement"],
        "sum_gaps": sums["gap"],
        "requirement_difference": sums["requirement"] - requirement,
        "gap_difference": sums["gap"] - gap,
    }
    for key, value in expected.items():
        if Decimal(stated[key]) != value:
            raise FixtureError(
                f"reconciliation {key}: the fixture says {stated[key]}, lines {value}"
            )
