"""Reads of funding for pages, API, exports and the report: requirement, funded and gap (always
requirement − funded, computed in the query), by line, focus area, country and source, and the
reconciliation of a quantification's lines with the totals it states. Each function says how
many queries it costs; results are plain data (cacheable, labels in the active language).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from funding.models import Contribution, FundingLine, Quantification, SourceKind
from mirps.i18n import active_language

ZERO = Decimal(0)


def _amounts(requirement, funded) -> dict:
    requirement, funded = requirement or ZERO, funded or ZERO
    gap = requirement - funded
    return {
        "requirement": requirement,
        "funded": funded,
        "gap": gap,
        # share of the requirement still unfunded, 0-100 (None without a requirement)
        "gap_share": round(100 * gap / requirement, 1) if requirement else None,
    }


def line_dict(line: FundingLine) -> dict:
    """A line (annotated ``with_amounts``) as plain data."""
    return {
        "id": line.pk,
        "order": line.order,
        "year": line.year,
        "quantification": line.quantification.code if line.quantification_id else None,
        "country": line.country.iso3 if line.country_id else None,
        "country_name": line.country.name if line.country_id else None,
        "focus_area": line.focus_area.code if line.focus_area_id else None,
        "focus_area_name": line.focus_area.name if line.focus_area_id else None,
        "focus_area_note": line.focus_area_note,
        "commitment": line.commitment.code if line.commitment_id else None,
        "label": line.label,
        "label_marked": line.label_marked,
        "label_legible": line.label_legible,
        "label_completed": line.label_completed,
        "label_as_printed": line.label_as_printed,
        "label_note": line.label_note,
        "requirement_as_written": line.requirement_as_written,
        "gap_as_written": line.gap_as_written,
        "document": line.source_document,
        "section": line.source_section,
        "quote": line.source_quote,
        "note": line.note,
        "route": line.route,
        **_amounts(line.requirement, line.funded),
    }


def lines(**filters):
    """Funding lines with ``funded`` and ``gap``, with what they refer to. One query."""
    return (
        FundingLine.objects.with_amounts()
        .filter(**filters)
        .select_related("quantification", "country", "focus_area", "commitment")
    )


def by_group(queryset, field: str) -> list[dict]:
    """Requirement, funded and gap summed per value of ``field`` (``focus_area``, ``country``),
    lines without one last as "not attributed". One query."""
    key, name, order = {
        "focus_area": ("focus_area__code", "focus_area__name_", "focus_area__order"),
        "country": ("country__iso3", "country__name_", "country__name_en"),
    }[field]
    name += active_language()
    rows = (
        queryset.order_by()
        .values(key, name)
        .annotate(requirement_sum=Sum("requirement"), funded_sum=Sum("funded"), lines=Count("id"))
        .order_by(order)
    )
    groups = [
        {
            "key": row[key],
            "label": row[name] or str(_("Not attributed")),
            "lines": row["lines"],
            **_amounts(row["requirement_sum"], row["funded_sum"]),
        }
        for row in rows
    ]
    return [g for g in groups if g["key"]] + [g for g in groups if not g["key"]]


def by_source(queryset) -> list[dict]:
    """Funded amounts per kind of source (government, donor, fund, not stated). One query."""
    rows = (
        Contribution.objects.filter(line__in=queryset.values("pk"))
        .order_by()
        .values("source_kind")
        .annotate(amount_sum=Sum("amount"))
    )
    labels = dict(SourceKind.choices)
    order = list(SourceKind.values)
    return sorted(
        (
            {
                "key": row["source_kind"],
                "label": str(labels[row["source_kind"]]),
                "amount": row["amount_sum"] or ZERO,
            }
            for row in rows
        ),
        key=lambda r: order.index(r["key"]),
    )


def totals(queryset) -> dict:
    """Requirement, funded and gap over the lines. One query."""
    sums = queryset.aggregate(requirement_sum=Sum("requirement"), funded_sum=Sum("funded"))
    return _amounts(sums["requirement_sum"], sums["funded_sum"])


def reconciliation(quantification: Quantification, sums: dict) -> dict:
    """The lines' sums beside the totals the source states, with the differences (lines −
    stated): the 2020 gaps add up exactly, the requirements do not."""
    stated = _amounts(quantification.stated_requirement, quantification.stated_funded)
    return {
        "stated": stated,
        "lines": sums,
        # the two rows under the lines' table, labelled in the active language
        "rows": [(str(_("Sum of the lines")), sums), (str(_("Stated total")), stated)],
        "requirement_difference": sums["requirement"] - stated["requirement"],
        "gap_difference": sums["gap"] - stated["gap"],
        "funded_difference": sums["funded"] - stated["funded"],
    }


def quantification_dict(quantification: Quantification) -> dict:
    """A quantification: stated totals, lines, sums and reconciliation, by focus area and by
    source. Five queries."""
    queryset = lines(quantification=quantification)
    sums = totals(queryset)
    return {
        "code": quantification.code,
        "title": quantification.title,
        "year": quantification.year,
        "document": quantification.source_document,
        "section": quantification.source_section,
        "quote": quantification.source_quote,
        "requirement_as_written": quantification.stated_requirement_as_written,
        "gap_as_written": quantification.stated_gap_as_written,
        "note": quantification.note,
        "lines": [line_dict(line) for line in queryset.order_by("order", "id")],
        "reconciliation": reconciliation(quantification, sums),
        "by_focus_area": by_group(queryset, "focus_area"),
        "by_country": by_group(queryset, "country"),
        "by_source": by_source(queryset),
    }


def regional() -> dict:
    """The regional funding page: every quantification (newest first), then the lines recorded
    outside a quantification, by country and by focus area. 1 + 5 per quantification + 5."""
    others = lines(quantification__isnull=True)
    return {
        "quantifications": [quantification_dict(q) for q in Quantification.objects.all()],
        "other": {
            "lines": [line_dict(line) for line in others.order_by("-year", "country__iso3", "id")],
            "totals": totals(others),
            "by_country": by_group(others, "country"),
            "by_focus_area": by_group(others, "focus_area"),
            "by_source": by_source(others),
        },
    }


def country_funding(iso3: str) -> dict:
    """A country's funding: its lines (any year), totals, by focus area and by source, and the
    latest regional quantification for context (it is not broken down by country). Six queries
    (four when the country has no line)."""
    queryset = lines(country__iso3=iso3)
    rows = [line_dict(line) for line in queryset.order_by("-year", "focus_area__order", "id")]
    latest = Quantification.objects.first()
    regional_total = (
        {"code": latest.code, "title": latest.title, "year": latest.year}
        | _amounts(latest.stated_requirement, latest.stated_funded)
        if latest
        else None
    )
    if not rows:
        return {"lines": [], "regional": regional_total}
    return {
        "lines": rows,
        "years": sorted({r["year"] for r in rows}),
        "totals": totals(queryset),
        "by_focus_area": by_group(queryset, "focus_area"),
        "by_source": by_source(queryset),
        "regional": regional_total,
    }


def export_lines(country_iso3: str | None = None):
    """Every funding line for the exports (country filter optional), with amounts. One query."""
    filters = {"country__iso3": country_iso3} if country_iso3 else {}
    return lines(**filters).order_by("-year", "quantification__code", "order", "id")


def report_funding(iso3: str | None = None) -> dict | None:
    """What the progress report says about funding. For a country with funding lines: their
    totals and years; otherwise (the region, or a country without lines) the latest
    quantification's stated totals and its lines' sums, with ``country_has_lines`` False.
    None when nothing is recorded at all. Two or three queries."""
    if iso3:
        queryset = lines(country__iso3=iso3)
        sums = totals(queryset)
        if sums["requirement"] or sums["funded"]:
            years = sorted(set(queryset.order_by().values_list("year", flat=True)))
            return {"scope": "country", "years": years, **sums}
    latest = Quantification.objects.first()
    if latest is None:
        return None
    rec = reconciliation(latest, totals(lines(quantification=latest)))
    return {
        "scope": "quantification",
        "year": latest.year,
        "title": latest.title,
        **rec["stated"],
        "lines": rec["lines"],
        "requirement_difference": rec["requirement_difference"],
        "gap_difference": rec["gap_difference"],
    }
