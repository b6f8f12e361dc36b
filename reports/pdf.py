"""The progress report as a PDF (reportlab: pure Python, no system packages).

Built from ``narrative.report`` (so from the progress engine): title, demo notice, the written
follow-up, a chart of progress by pillar (and by country for the region), the distribution of
traffic-light levels, the trend, and a table per pillar, country and focus area.
"""

from __future__ import annotations

import io
import textwrap

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from indicators.templatetags.indicators import figure, quote_text
from reports.dashboard import LOW_COVERAGE, is_low_coverage, with_commitments
from reports.dashboard import legend as status_legend
from reports.narrative import coverage_pct, pct, updated_pct

BRAND = colors.HexColor("#0b4f8a")
WIDTH = A4[0] - 4 * cm
LEVEL_KEYS = ["5", "4", "3", "2", "1", "0", "not_reported"]
UPDATED_COLOUR = colors.HexColor("#8a4b08")
DIMENSION_KEYS = ["pillar", "country", "focus_area"]


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=sheet["Title"], alignment=TA_LEFT, fontSize=18),
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], textColor=BRAND),
        "body": ParagraphStyle("b", parent=sheet["BodyText"], fontSize=10, leading=14),
        "small": ParagraphStyle("s", parent=sheet["BodyText"], fontSize=8, leading=10),
        "demo": ParagraphStyle(
            "d",
            parent=sheet["BodyText"],
            backColor=colors.HexColor("#fff4d6"),
            borderPadding=6,
            textColor=colors.HexColor("#6b4a00"),
        ),
    }


def _esc(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Category labels are wrapped at word boundaries to fit the 150 pt left of each chart (8 pt
# Helvetica averages about 4.4 pt a character): never cut mid-word.
LABEL_CHARS = 30
LABEL_LINE = 9.5  # pt per label line


def chart_label(group: dict) -> str:
    """A group's full label for a chart's axis, wrapped on words ("\n" between lines); pillars
    carry their number, as the domain names them ("Pillar 2 · Immediate and persistent needs")."""
    label = str(group["label"])
    if "pillar" in group and "country" not in group:
        label = _("Pillar %(number)s · %(name)s") % {"number": group["pillar"], "name": label}
    return "\n".join(textwrap.wrap(label, LABEL_CHARS, break_long_words=False)) or label


def _row_height(labels: list[str]) -> float:
    """Room per bar: 22 pt, more when a wrapped label needs it."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(22, LABEL_LINE * lines + 6)


def progress_chart(groups: list[dict], title: str) -> Drawing:
    """Horizontal bars of progress (0-100) per group, the value written at each bar's end."""
    labels = [chart_label(g) for g in groups]
    height = 40 + _row_height(labels) * len(groups)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 10
    chart.width, chart.height = WIDTH - 200, height - 35
    chart.data = [[g["progress"] or 0 for g in groups]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.leading = LABEL_LINE
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = BRAND
    chart.barLabelFormat = lambda v: f"{v:.1f}%"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 14
    drawing.add(chart)
    drawing.add(String(0, height - 12, title, fontSize=10, fillColor=BRAND))
    return drawing


def levels_chart(groups: list[dict], title: str) -> Drawing:
    """Stacked bars: commitments at each traffic-light level per group, with a labelled legend."""
    levels = status_legend()
    labels = [chart_label(g) for g in groups]
    height = 90 + _row_height(labels) * len(groups)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 70
    chart.width, chart.height = WIDTH - 200, height - 95
    chart.categoryAxis.style = "stacked"
    chart.data = [[g["levels"][lv["key"]] for g in groups] for lv in levels]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.leading = LABEL_LINE
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    for i, lv in enumerate(levels):
        chart.bars[i].fillColor = colors.HexColor(lv["colour"])
        chart.bars[i].strokeColor = colors.white
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 0, 50
    legend.fontSize = 7
    legend.columnMaximum = 2
    legend.deltax = 80
    legend.alignment = "right"
    legend.colorNamePairs = [
        (
            colors.HexColor(lv["colour"]),
            (f"{lv['number']} " if lv["number"] is not None else "– ") + str(lv["label"]),
        )
        for lv in levels
    ]
    drawing.add(legend)
    drawing.add(String(0, height - 12, title, fontSize=10, fillColor=BRAND))
    return drawing


def trend_label(row: dict) -> str:
    """A period on the trend's axis; the open one says it is in progress (on a second line)."""
    if row.get("in_progress"):
        return f"{row['period']}\n({_('in progress')})"
    return row["period"]


TREND_LINES = [  # (colour, width, dash) of progress, coverage, updated
    (BRAND, 2, None),
    (colors.HexColor("#7a7a7a"), 1.5, [3, 2]),
    (UPDATED_COLOUR, 1.5, [1, 2]),
]


def trend_series(trend: list[dict]) -> list[list]:
    """The trend chart's data: progress, coverage and updated over the settled periods, then
    the same three over the segment into the open period only (drawn pale and dashed), so its
    few updates so far never read as a fall."""
    values = [
        [t["progress"] or 0 for t in trend],
        [round(100 * t["coverage"], 1) for t in trend],
        [round(100 * (t["reporting_rate"] or 0), 1) for t in trend],
    ]
    open_index = next((i for i, t in enumerate(trend) if t.get("in_progress")), None)
    if open_index is None:
        return values
    settled = [[v if i != open_index else None for i, v in enumerate(s)] for s in values]
    joined = {open_index, open_index - 1}
    into_open = [[v if i in joined else None for i, v in enumerate(s)] for s in values]
    return settled + into_open


def trend_chart(trend: list[dict], title: str) -> Drawing:
    """Lines of progress, coverage and updated over the periods: the title on top, the period
    names under the axis (the open one on two lines), the legend in a row at the bottom."""
    drawing = Drawing(WIDTH, 200)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 62, WIDTH - 60, 110
    chart.data = trend_series(trend)
    chart.categoryAxis.categoryNames = [trend_label(t) for t in trend]
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.leading = 9
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 8
    for i, (colour, width, dash) in enumerate(TREND_LINES):
        chart.lines[i].strokeColor, chart.lines[i].strokeWidth = colour, width
        chart.lines[i].strokeDashArray = dash
    for i in range(len(TREND_LINES), len(chart.data)):  # into the open period: pale, dashed
        colour, width, _dash = TREND_LINES[i - len(TREND_LINES)]
        chart.lines[i].strokeColor = colors.Color(colour.red, colour.green, colour.blue, 0.45)
        chart.lines[i].strokeWidth = width
        chart.lines[i].strokeDashArray = [2, 3]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontSize, legend.alignment = 40, 12, 8, "right"
    legend.columnMaximum, legend.deltax, legend.dxTextSpace = 1, 150, 6
    legend.colorNamePairs = [
        (BRAND, _("Progress (%)")),
        (colors.HexColor("#7a7a7a"), _("Coverage (%)")),
        (UPDATED_COLOUR, _("Updated in the period (%)")),
    ]
    drawing.add(legend)
    drawing.add(String(0, 188, title, fontSize=10, fillColor=BRAND))
    return drawing


# Table cells: 3 pt either side (reportlab's default is 6), so the numbers' columns keep their
# room. Header cells are Paragraphs: a header wraps on its words and never runs into the next
# column; each column is wide enough for its header's longest word in both languages
# (tests/reports/test_open_period.py measures them).
CELL_PADDING = 3
NUMBER_COLUMNS = [1.7 * cm, 1.8 * cm, 2.0 * cm, 2.0 * cm]  # progress, coverage, updated, reported
STATS_WIDTHS = [3.6 * cm, *NUMBER_COLUMNS] + [0.8 * cm] * 6 + [0.9 * cm]
INDICATOR_WIDTHS = [4.2 * cm, 2.6 * cm, 3.2 * cm, 7 * cm]


def header_styles(styles) -> dict:
    base = ParagraphStyle(
        "th", parent=styles["small"], fontName="Helvetica-Bold", fontSize=8, leading=9.5
    )
    return {
        "left": base,
        "right": ParagraphStyle("th-r", parent=base, alignment=TA_RIGHT),
        "centre": ParagraphStyle("th-c", parent=base, alignment=TA_CENTER),
    }


def header_cell(text, style, colour=None) -> Paragraph:
    body = _esc(text)
    if colour is not None:
        body = f'<font color="{colour.hexval()}">{body}</font>'
    return Paragraph(body, style)


def stats_table(groups: list[dict], total: dict | None, heading: str, styles) -> Table:
    th = header_styles(styles)
    levels = {lv["key"]: lv for lv in status_legend()}
    header = [
        header_cell(heading, th["left"]),
        *[
            header_cell(text, th["right"])
            for text in (_("Progress"), _("Coverage"), _("Updated"), _("Reported"))
        ],
        *[
            header_cell(
                k if k != "not_reported" else "n/r",
                th["centre"],
                colors.white if levels[k]["dark"] else colors.HexColor("#1d2733"),
            )
            for k in LEVEL_KEYS
        ],
    ]
    rows = [header]
    for g in groups + ([{**total, "label": _("All")}] if total else []):
        low = is_low_coverage(g)
        rows.append(
            [
                Paragraph(_esc(g["label"]), styles["small"]),
                pct(g["progress"]) + (" *" if low else ""),
                coverage_pct(g),
                updated_pct(g),
                f"{g['reported']}/{g['commitments']}",
                *[str(g["levels"][k]) for k in LEVEL_KEYS],
            ]
        )
    table = Table(rows, colWidths=STATS_WIDTHS, repeatRows=1)
    style = [
        ("FONT", (1, 1), (-1, -1), "Helvetica", 8),
        ("ALIGN", (1, 1), (4, -1), "RIGHT"),
        ("ALIGN", (5, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
    ]
    for i, key in enumerate(LEVEL_KEYS):
        col = 5 + i
        style.append(("BACKGROUND", (col, 0), (col, 0), colors.HexColor(levels[key]["colour"])))
    if total:
        style.append(("FONT", (1, len(rows) - 1), (-1, len(rows) - 1), "Helvetica-Bold", 8))
    table.setStyle(TableStyle(style))
    return table


def build(report: dict, demo: bool) -> bytes:
    """The progress report as a PDF: the summary, the charts and the tables."""
    styles = _styles()
    where = report["country_name"] or _("Region")
    title = _("MIRPS progress report · %(where)s · %(period)s") % {
        "where": where,
        "period": report["period"] or "–",
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=title,
        author="MIRPS commitment monitor",
        lang=get_language() or "es",
    )
    # only groups that hold commitments: a country's report has no row for a focus area (or
    # pillar) the country has no commitment in
    data = report["data"]
    data = {**data, **{key: with_commitments(data[key]) for key in DIMENSION_KEYS}}
    story = [
        Paragraph(_esc(title), styles["title"]),
        *_demo_warning(styles, demo),
        *_summary(report["paragraphs"], styles),
        *_charts(data, report["country"], styles),
        *_tables(data, report, styles),
    ]
    doc.build(story)
    return buffer.getvalue()


def _demo_warning(styles, demo: bool) -> list:
    if not demo:
        return []
    return [
        Paragraph(
            "<b>{}:</b> {}".format(
                _esc(_("Demo data")),
                _esc(
                    _(
                        "the statuses shown are synthetic, generated for demonstration. "
                        "They are not real reports from any country."
                    )
                ),
            ),
            styles["demo"],
        ),
        Spacer(1, 8),
    ]


def _summary(paragraphs: list[str], styles) -> list:
    """The narrative's paragraphs and how the figures are computed."""
    return [
        Paragraph(_esc(_("Summary")), styles["h2"]),
        *(Paragraph(_esc(paragraph), styles["body"]) for paragraph in paragraphs),
        Paragraph(
            _esc(
                _(
                    "Progress is the mean of status × 20%% over the commitments that have an "
                    "approved status; commitments with no report are left out of it and shown "
                    "as coverage (reported ÷ all). * marks a coverage below %(threshold)s. "
                    "Updated: the share of commitments with an approved status reported in the "
                    "period itself (a status carried from an earlier period is covered, not "
                    "updated)."
                )
                % {"threshold": f"{round(100 * LOW_COVERAGE)}%"}
            ),
            styles["small"],
        ),
        Spacer(1, 10),
    ]


def _charts(data: dict, country, styles) -> list:
    """Progress by pillar (and by country for the region), levels, and the trend."""
    story = [
        Paragraph(_esc(_("Charts")), styles["h2"]),
        progress_chart(data["pillar"], _("Progress by pillar (%)")),
    ]
    if not country:
        story.append(progress_chart(data["country"], _("Progress by country (%)")))
    story.append(levels_chart(data["pillar"], _("Commitments at each level, by pillar")))
    if len(data["trend"]) > 1:
        story.append(trend_chart(data["trend"], _("Progress, coverage and updates over time (%)")))
        current = next((t for t in data["trend"] if t.get("in_progress")), None)
        if current is not None:
            story.append(
                Paragraph(
                    _esc(
                        _(
                            "%(period)s is in progress (its reports are still coming in): it "
                            "is drawn lighter, and its share updated is not a fall."
                        )
                        % {"period": current["period"]}
                    ),
                    styles["small"],
                )
            )
    return story


def _tables(data: dict, report: dict, styles) -> list:
    """The tables by pillar, by country (for the region) and by focus area; the indicators."""
    tables = [("pillar", _("Pillar"), _("By pillar"))]
    if not report["country"]:
        tables.append(("country", _("Country"), _("By country")))
    tables.append(("focus_area", _("Focus area"), _("By focus area")))
    story = [
        KeepTogether(
            [
                Paragraph(_esc(section), styles["h2"]),
                stats_table(data[key], data["total"], heading, styles),
            ]
        )
        for key, heading, section in tables
    ]
    if report.get("indicators"):
        story.append(
            KeepTogether(
                [
                    Paragraph(_esc(_("Country indicators")), styles["h2"]),
                    indicators_table(report["indicators"], styles),
                ]
            )
        )
    return story


def indicators_table(rows: list[dict], styles) -> Table:
    """A country's indicators (issue 13): latest approved value, period as stated, source."""
    th = header_styles(styles)["left"]
    header = [
        header_cell(text, th)
        for text in (_("Indicator"), _("Latest value"), _("Period"), _("Source"))
    ]
    body = [
        [
            Paragraph(_esc(r["name"]), styles["small"]),
            Paragraph(_esc(figure(r["latest"])), styles["small"]),
            Paragraph(_esc(r["latest"]["period"]), styles["small"]),
            Paragraph(
                _esc(f"{r['latest']['document']} · {r['latest']['section']}")
                + (
                    f"<br/><i>{_esc(quote_text(r['latest']['quote'])[:220])}</i>"
                    if r["latest"]["quote"]
                    else ""
                ),
                styles["small"],
            ),
        ]
        for r in rows
    ]
    table = Table([header, *body], colWidths=INDICATOR_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
            ]
        )
    )
    return table
