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
from reportlab.lib.enums import TA_LEFT
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

from .dashboard import LOW_COVERAGE, is_low_coverage, with_commitments
from .dashboard import legend as status_legend
from .narrative import coverage_pct, pct, updated_pct

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


def trend_chart(trend: list[dict], title: str) -> Drawing:
    drawing = Drawing(WIDTH, 170)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 25, WIDTH - 60, 115
    chart.data = [
        [t["progress"] or 0 for t in trend],
        [round(100 * t["coverage"], 1) for t in trend],
        [round(100 * (t["reporting_rate"] or 0), 1) for t in trend],
    ]
    chart.categoryAxis.categoryNames = [t["period"] for t in trend]
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 8
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = BRAND, 2
    chart.lines[1].strokeColor, chart.lines[1].strokeWidth = colors.HexColor("#7a7a7a"), 1.5
    chart.lines[1].strokeDashArray = [3, 2]
    chart.lines[2].strokeColor, chart.lines[2].strokeWidth = UPDATED_COLOUR, 1.5
    chart.lines[2].strokeDashArray = [1, 2]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontSize, legend.alignment = WIDTH - 180, 165, 8, "right"
    legend.colorNamePairs = [
        (BRAND, _("Progress (%)")),
        (colors.HexColor("#7a7a7a"), _("Coverage (%)")),
        (UPDATED_COLOUR, _("Updated in the period (%)")),
    ]
    drawing.add(legend)
    drawing.add(String(0, 158, title, fontSize=10, fillColor=BRAND))
    return drawing


def stats_table(groups: list[dict], total: dict | None, heading: str, styles) -> Table:
    header = [
        heading,
        _("Progress"),
        _("Coverage"),
        _("Updated"),
        _("Reported"),
        *[k if k != "not_reported" else "n/r" for k in LEVEL_KEYS],
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
    widths = [4.4 * cm, 1.7 * cm, 1.6 * cm, 1.6 * cm, 1.6 * cm] + [0.85 * cm] * 6 + [0.9 * cm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (1, 1), (-1, -1), "Helvetica", 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
    ]
    levels = {lv["key"]: lv for lv in status_legend()}
    for i, key in enumerate(LEVEL_KEYS):
        col = 5 + i
        style.append(("BACKGROUND", (col, 0), (col, 0), colors.HexColor(levels[key]["colour"])))
        style.append(
            (
                "TEXTCOLOR",
                (col, 0),
                (col, 0),
                colors.white if levels[key]["dark"] else colors.HexColor("#1d2733"),
            )
        )
    if total:
        style.append(("FONT", (1, len(rows) - 1), (-1, len(rows) - 1), "Helvetica-Bold", 8))
    table.setStyle(TableStyle(style))
    return table


def build(report: dict, demo: bool) -> bytes:
    styles = _styles()
    data = report["data"]
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
    story = [Paragraph(_esc(title), styles["title"])]
    if demo:
        story.append(
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
            )
        )
        story.append(Spacer(1, 8))
    story.append(Paragraph(_esc(_("Summary")), styles["h2"]))
    for paragraph in report["paragraphs"]:
        story.append(Paragraph(_esc(paragraph), styles["body"]))
    story.append(
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
        )
    )
    story.append(Spacer(1, 10))
    story.append(Paragraph(_esc(_("Charts")), styles["h2"]))
    # only groups that hold commitments: a country's report has no row for a focus area (or
    # pillar) the country has no commitment in
    data = {**data, **{key: with_commitments(data[key]) for key in DIMENSION_KEYS}}
    story.append(progress_chart(data["pillar"], _("Progress by pillar (%)")))
    if not report["country"]:
        story.append(progress_chart(data["country"], _("Progress by country (%)")))
    story.append(levels_chart(data["pillar"], _("Commitments at each level, by pillar")))
    if len(data["trend"]) > 1:
        story.append(trend_chart(data["trend"], _("Progress, coverage and updates over time (%)")))
    tables = [("pillar", _("Pillar"), _("By pillar"))]
    if not report["country"]:
        tables.append(("country", _("Country"), _("By country")))
    tables.append(("focus_area", _("Focus area"), _("By focus area")))
    for key, heading, section in tables:
        story.append(
            KeepTogether(
                [
                    Paragraph(_esc(section), styles["h2"]),
                    stats_table(data[key], data["total"], heading, styles),
                ]
            )
        )
    if report.get("indicators"):
        story.append(
            KeepTogether(
                [
                    Paragraph(_esc(_("Country indicators")), styles["h2"]),
                    indicators_table(report["indicators"], styles),
                ]
            )
        )
    doc.build(story)
    return buffer.getvalue()


def indicators_table(rows: list[dict], styles) -> Table:
    """A country's indicators (issue 13): latest approved value, period as stated, source."""
    header = [_("Indicator"), _("Latest value"), _("Period"), _("Source")]
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
    table = Table([header, *body], colWidths=[4.2 * cm, 2.6 * cm, 3.2 * cm, 7 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
            ]
        )
    )
    return table
