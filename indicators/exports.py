"""The indicator values as a table for the CSV/XLSX exports (``reports`` writes the files)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from indicators.selectors import export_values
from indicators.templatetags.indicators import quote_text
from mirps.numbers import plain
from mirps.tabular import Table
from mirps.vocabulary import Route


def indicators_table(country_iso3: str | None = None) -> Table:
    """(title, header, rows): every approved value (of one country, if given), with its
    period as stated, source, quote (as a reader sees it: without the extracted text's emphasis
    marks), and where it came from. One query."""
    header = [
        _("Indicator code"),
        _("Indicator"),
        _("Country code"),
        _("Country"),
        _("Qualifier"),
        _("Value"),
        _("As printed"),
        _("Unit"),
        _("Period (as stated)"),
        _("Period start"),
        _("Period end"),
        _("Source document"),
        _("Page or section"),
        _("Quoted sentence"),
        _("Note"),
        _("Origin"),
    ]
    rows = [
        [
            v.indicator.code,
            v.indicator.name,
            v.country.iso3,
            v.country.name,
            v.get_qualifier_display() if v.qualifier else "",
            plain(v.value),
            v.value_as_written,
            v.indicator.get_unit_display(),
            v.period_display,
            v.period_start.isoformat() if v.period_start else "",
            v.period_end.isoformat() if v.period_end else "",
            v.source_document,
            v.source_section,
            quote_text(v.source_quote),
            v.note,
            _("published source")
            if v.route == Route.SOURCE
            else _("entered (%(route)s)") % {"route": v.get_route_display()},
        ]
        for v in export_values(country_iso3)
    ]
    return Table(_("Indicators"), header, rows)
