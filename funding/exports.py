"""Funding as a table for the CSV/XLSX exports (``reports`` writes the files)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from funding.models import Contribution, Quantification
from funding.selectors import export_lines, reconciliation, totals
from funding.templatetags.funding import printed as printed_text
from mirps.numbers import plain
from mirps.tabular import Table
from mirps.vocabulary import Route


def funding_table(country_iso3: str | None = None) -> Table:
    """(title, header, rows): every funding line (of one country, if given) with requirement,
    funded and the computed gap; then, for the whole region, each quantification's sum of lines
    and stated totals. Amounts are whole US dollars or decimals, never floats."""
    header = [
        _("Row"),
        _("Year"),
        _("Quantification"),
        _("Line"),
        _("Country code"),
        _("Focus area code"),
        _("Commitment"),
        _("Sector"),
        _("Label as printed"),
        _("Label completed by us"),
        _("Requirement (USD)"),
        _("Funded (USD)"),
        _("Gap (USD, requirement − funded)"),
        _("Funded derived from the stated gap"),
        _("Requirement as printed"),
        _("Gap as printed"),
        _("Source document"),
        _("Page or section"),
        _("Quoted sentence"),
        _("Origin"),
    ]
    yes, no = _("yes"), _("no")
    derived = Contribution.objects.filter(line=OuterRef("pk"), derived=True)
    lines = export_lines(country_iso3).annotate(funded_derived=Exists(derived))
    rows = [
        [
            _("line"),
            line.year,
            line.quantification.code if line.quantification_id else "",
            line.order,
            line.country.iso3 if line.country_id else "",
            line.focus_area.code if line.focus_area_id else "",
            line.commitment.code if line.commitment_id else "",
            line.label_marked,
            line.label_as_printed,
            yes if line.label_completed else no,
            plain(line.requirement),
            plain(line.funded),
            plain(line.gap),
            yes if line.funded_derived else no,
            line.requirement_as_written,
            line.gap_as_written,
            line.source_document,
            line.source_section,
            printed_text(line.source_quote),
            _("published source")
            if line.route == Route.SOURCE
            else _("entered by the secretariat"),
        ]
        for line in lines
    ]
    if not country_iso3:  # a quantification is regional: its totals only in the regional table
        for q in Quantification.objects.all():
            sums = totals(export_lines().filter(quantification=q))
            rows.append(_total_row(_("sum of lines"), q, sums, printed=False))
            rows.append(_total_row(_("stated total"), q, reconciliation(q, sums)["stated"]))
    return Table(_("Funding"), header, rows)


def _total_row(kind: str, q: Quantification, amounts: dict, printed: bool = True) -> list:
    """A quantification's sum of lines, or the totals it states (with the figures as printed)."""
    return [
        kind,
        q.year,
        q.code,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        plain(amounts["requirement"]),
        plain(amounts["funded"]),
        plain(amounts["gap"]),
        "",
        q.stated_requirement_as_written if printed else "",
        q.stated_gap_as_written if printed else "",
        q.source_document,
        q.source_section,
        printed_text(q.source_quote) if printed else "",
        _("published source"),
    ]
