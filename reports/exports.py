"""Every panel's figures as a table, written as CSV or .xlsx.

``panel_table(name, data)`` turns the dashboard's cached figures (the engine's ``as_dict`` shapes)
into ``(title, header, rows)``; the writing itself, with formula neutralisation (a cell starting
with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe), is the project's shared
``mirps.tabular`` (``rows_to_csv(header, rows)``, ``rows_to_xlsx(sheets)``), re-exported here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from funding.exports import funding_table
from indicators.exports import indicators_table
from mirps.tabular import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Table,
    rows_to_csv,
    rows_to_xlsx,
    safe,
)
from reports.dashboard import is_low_coverage, with_commitments

__all__ = [
    "CONTEXT_TABLES",
    "CSV_CONTENT_TYPE",
    "PANELS",
    "XLSX_CONTENT_TYPE",
    "Table",
    "commitments_table",
    "flag_demo",
    "movement_table",
    "panel_table",
    "rows_to_csv",
    "rows_to_xlsx",
    "safe",
]

PANELS = ["pillar", "country", "focus_area", "country_pillar", "trend", "movement"]
# Context beside the commitments (issue 13): tables the indicators and funding apps build, for a
# country (the selection's) or the region; each row says where it came from (source or entered).
CONTEXT_TABLES = {"indicators": indicators_table, "funding": funding_table}
LEVEL_KEYS = ["5", "4", "3", "2", "1", "0", "not_reported"]


def _stats_header() -> list[str]:
    return [
        _("Commitments"),
        _("Reported"),
        _("Coverage (%)"),
        _("Updated in the period"),
        _("Updated in the period (%)"),
        _("Progress (%)"),
        *[_("Level %(n)s") % {"n": k} for k in LEVEL_KEYS[:-1]],
        _("Not reported"),
        _("Low coverage"),
    ]


def _stats_cells(stats: dict) -> list:
    return [
        stats["commitments"],
        stats["reported"],
        round(100 * stats["coverage"], 2),
        stats["updated"],
        None if stats["reporting_rate"] is None else round(100 * stats["reporting_rate"], 2),
        stats["progress"],
        *[stats["levels"][k] for k in LEVEL_KEYS],
        _("yes") if is_low_coverage(stats) else _("no"),
    ]


def panel_table(name: str, data: dict, period: str | None) -> Table:
    """(sheet title, header, rows) for one panel of ``dashboard.figures``: a row per group that
    holds commitments (a country's export lists only the focus areas it has), labels in full."""
    period_h = _("Period")
    if name == "pillar":
        header = [period_h, _("Pillar"), _("Name"), *_stats_header()]
        rows = [
            [period, g["pillar"], g["label"], *_stats_cells(g)]
            for g in with_commitments(data["pillar"])
        ]
        title = _("By pillar")
    elif name == "country":
        header = [period_h, _("Country code"), _("Country"), *_stats_header()]
        rows = [
            [period, g["country"], g["label"], *_stats_cells(g)]
            for g in with_commitments(data["country"])
        ]
        title = _("By country")
    elif name == "focus_area":
        header = [period_h, _("Focus area code"), _("Focus area"), *_stats_header()]
        rows = [
            [period, g["focus_area"], g["label"], *_stats_cells(g)]
            for g in with_commitments(data["focus_area"])
        ]
        title = _("By focus area")
    elif name == "country_pillar":
        header = [period_h, _("Country code"), _("Pillar"), _("Name"), *_stats_header()]
        rows = [
            [period, cell["country"], cell["pillar"], cell["label"], *_stats_cells(cell)]
            for row in data["heatmap"]["rows"]
            for cell in with_commitments(row["cells"])
        ]
        title = _("Country × pillar")
    elif name == "trend":
        header = [period_h, *_stats_header()]
        rows = [[t["period"], *_stats_cells(t)] for t in data["trend"]]
        title = _("Trend")
    elif name == "movement":
        return movement_table(data["movement"])
    else:
        raise KeyError(name)
    if name != "trend":  # the selection as a whole, last
        blanks = [""] * (len(header) - len(_stats_header()) - 2)
        rows.append([period, *blanks, _("All"), *_stats_cells(data["total"])])
    return Table(title, header, rows)


def movement_table(moved: dict) -> Table:
    """What moved (``movement.page`` with every row), one row per commitment."""
    kinds = {"up": _("went up"), "down": _("went down"), "first": _("first report")}
    header = [
        _("Period"),
        _("Previous period"),
        _("Movement"),
        _("Code"),
        _("Country code"),
        _("Pillar"),
        _("Focus area code"),
        _("Status before"),
        _("Status now"),
        _("Reported in"),
        _("Narrative"),
        _("Commitment"),
    ]
    order = {"up": 0, "down": 1, "first": 2}
    rows = [
        [
            moved["period"],
            moved["previous"],
            kinds[r["kind"]],
            r["code"],
            r["country"],
            r["pillar"],
            r["focus_area"],
            r["from"],
            r["to"],
            r["reported_in"],
            r["narrative"],
            r["text"],
        ]
        for r in sorted(moved["rows"], key=lambda r: order[r["kind"]])  # stable: plan order
    ]
    return Table(_("What moved"), header, rows)


def _reported_in(c) -> str | None:
    if c.current_status is None and getattr(c, "carried_status", None) is not None:
        return _("%(period)s (carried from %(code)s)") % {
            "period": c.carried_period,
            "code": c.carried_from,
        }
    return c.current_period


def commitments_table(rows, period: str | None) -> Table:
    """The public list of commitments (a queryset annotated ``with_carried``): a status carried
    from the commitment it continues (issue 22) says so where it was reported."""
    header = [
        _("Period"),
        _("Code"),
        _("Country code"),
        _("Pillar"),
        _("Focus area code"),
        _("Status"),
        _("Reported in"),
        _("Narrative"),
        _("Commitment"),
    ]
    body = [
        [
            period,
            c.code,
            c.country.iso3,
            c.pillar.number,
            c.focus_area.code,
            getattr(c, "shown_status", c.current_status),
            _reported_in(c),
            c.current_narrative,
            c.localized_text,
        ]
        for c in rows
    ]
    return Table(_("Commitments"), header, body)


def flag_demo(table: Table, demo: bool) -> Table:
    """The table with a last column saying, on every row, that its statuses are synthetic, when
    demo statuses are loaded (the rule of the pages' banner and the PDF's notice,
    ``reports.cache.cached_demo_flag``): a file passed on keeps the warning whichever rows are
    copied out of it. Unchanged without demo data."""
    if not demo:
        return table
    note = _("Synthetic demo data, not real reports")
    return table.with_column(_("Demo data"), note)
