"""What a release holds: the public tables of a period, with their schemas.

Each table is a list of rows (dicts with typed values: int, float, str, None for empty) in a
stable order, and a ``Table`` that describes it (Frictionless table schema, HXL hashtags).
Only what the public may read: approved statuses and indicator values, published funding lines;
no account, no review, no evidence file. Progress comes from the progress engine
(``reports.progress.compute_many``), exactly as the dashboards and ``/api/v1/progress/`` give
it (``Stats.as_dict``), so a release and the dashboard for its period agree to the digit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.functions import Coalesce
from django.utils import translation

from commitments.models import Commitment
from funding.selectors import lines as funding_lines
from indicators.models import IndicatorValue
from periods.models import ReportingPeriod
from reports import progress
from statuses.models import Status
from statuses.selectors import status_as_of

LEVELS = [int(s) for s in Status]
SCALE = {"enum": LEVELS}


@dataclass
class Column:
    name: str
    type: str  # Frictionless: string, integer, number, date, datetime
    description: str
    hxl: str
    constraints: dict = field(default_factory=dict)

    def schema(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        return out


@dataclass
class Table:
    name: str  # file stem: csv/<name>.csv, json/<name>.json, hxl/<name>.csv
    title: str
    description: str
    columns: list[Column]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)

    def schema(self) -> dict:
        out = {"fields": [c.schema() for c in self.columns], "missingValues": [""]}
        if self.primary_key:
            out["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            out["foreignKeys"] = self.foreign_keys
        return out


def _fk(column: str, table: str, target: str) -> dict:
    return {"fields": [column], "reference": {"resource": table, "fields": [target]}}


REQUIRED = {"required": True}
COUNT = {"required": True, "minimum": 0}
SHARE = {"minimum": 0, "maximum": 1}
PERCENT = {"minimum": 0, "maximum": 100}

COMMITMENT_CODE = Column(
    "commitment", "string", "Commitment code {ISO3}-{AREA}-{NN}", "#indicator+code", REQUIRED
)


def _stats_columns() -> list[Column]:
    return [
        Column("commitments", "integer", "Commitments in the group", "#indicator+num", COUNT),
        Column(
            "reported",
            "integer",
            "Commitments with an approved status reported in the period or before",
            "#indicator+reported+num",
            COUNT,
        ),
        Column(
            "coverage",
            "number",
            "reported / commitments (0 to 1, four decimals)",
            "#indicator+coverage+pct",
            {"required": True, **SHARE},
        ),
        Column(
            "progress",
            "number",
            "Mean of status x 20 % over the reported commitments, one decimal; empty when "
            "none is reported (never 0)",
            "#indicator+value+pct",
            PERCENT,
        ),
        *[
            Column(
                f"level_{level}",
                "integer",
                f"Commitments at status {level}",
                f"#indicator+num+level{level}",
                COUNT,
            )
            for level in LEVELS
        ],
        Column("not_reported", "integer", "Commitments not reported", "#indicator+num+nr", COUNT),
        Column(
            "updated",
            "integer",
            "Commitments with an approved status reported in the period itself",
            "#indicator+updated+num",
            COUNT,
        ),
        Column(
            "reporting_rate",
            "number",
            "updated / commitments (0 to 1): the share updated in the period",
            "#indicator+updated+pct",
            {"required": True, **SHARE},
        ),
    ]


COUNTRY = Column("country", "string", "ISO 3166-1 alpha-3", "#country+code", REQUIRED)
PILLAR = Column(
    "pillar",
    "integer",
    "MIRPS pillar (1-4)",
    "#sector+pillar",
    {"required": True, "enum": [1, 2, 3, 4]},
)
FOCUS_AREA = Column(
    "focus_area",
    "string",
    "Focus area: PRO, JOB, SOC, EDU or HEA",
    "#sector+code",
    {"required": True, "enum": ["PRO", "JOB", "SOC", "EDU", "HEA"]},
)
LABEL = Column("label", "string", "The group's name (English)", "#sector+name")


def _progress_table(name: str, keys: list[Column], what: str) -> Table:
    return Table(
        name,
        f"Progress by {what}",
        f"Progress, coverage and the share updated in the period, by {what}, computed by the "
        "same engine as the dashboards and /api/v1/progress/.",
        [*keys, LABEL, *_stats_columns()],
        primary_key=[k.name for k in keys],
    )


TABLES: dict[str, Table] = {
    "commitments": Table(
        "commitments",
        "Commitments",
        "Every commitment of the national action plans in force at the period's end (in each "
        "country, the edition in force then), as printed, with our working Spanish "
        "translation and its pillar.",
        [
            Column(
                "code",
                "string",
                "Commitment code {ISO3}-{AREA}-{NN}",
                "#indicator+code",
                {"required": True, "unique": True, "pattern": "[A-Z]{3}-[A-Z]{3}-[0-9]{2,}"},
            ),
            COUNTRY,
            Column("edition", "string", "Edition of the national plan", "#meta+edition"),
            FOCUS_AREA,
            PILLAR,
            Column(
                "text_en",
                "string",
                "The text as printed (English)",
                "#indicator+name+i_en",
                REQUIRED,
            ),
            Column(
                "text_es", "string", "Spanish text (working translation)", "#indicator+name+i_es"
            ),
            Column(
                "responsible_institution",
                "string",
                "Responsible institution, where known (empty: not recorded)",
                "#org+impl",
            ),
        ],
        primary_key=["code"],
    ),
    "statuses": Table(
        "statuses",
        "Statuses as of the period",
        "Each commitment's approved status as of the period: the latest one reported in the "
        "period or before. Not reported is an empty status, never 0.",
        [
            COMMITMENT_CODE,
            COUNTRY,
            Column(
                "status",
                "integer",
                "Traffic-light status 0 (not started) to 5 (completed); empty: not reported",
                "#status+code",
                SCALE,
            ),
            Column(
                "progress_percent",
                "integer",
                "status x 20 (empty: not reported)",
                "#status+pct",
                {"enum": [level * 20 for level in LEVELS]},
            ),
            Column(
                "period_reported", "string", "The period the status was reported in", "#date+period"
            ),
            Column("date_reported", "date", "When the status was recorded", "#date+reported"),
            Column("narrative", "string", "What was done, as reported", "#description"),
            Column("evidence_url", "string", "Public evidence link, as reported", "#meta+url"),
        ],
        primary_key=["commitment"],
        foreign_keys=[_fk("commitment", "commitments", "code")],
    ),
    "progress_region": _progress_table("progress_region", [], "region (all commitments)"),
    "progress_pillar": _progress_table("progress_pillar", [PILLAR], "pillar"),
    "progress_country": _progress_table("progress_country", [COUNTRY], "country"),
    "progress_focus_area": _progress_table("progress_focus_area", [FOCUS_AREA], "focus area"),
    "progress_country_pillar": _progress_table(
        "progress_country_pillar", [COUNTRY, PILLAR], "country and pillar"
    ),
    "indicators": Table(
        "indicators",
        "Country indicators in force",
        "Approved indicator values whose period ends by the period's end, with their sources.",
        [
            Column("indicator", "string", "Indicator code", "#indicator+code", REQUIRED),
            Column("indicator_name_en", "string", "Indicator (English)", "#indicator+name+i_en"),
            Column("indicator_name_es", "string", "Indicator (Spanish)", "#indicator+name+i_es"),
            Column("unit", "string", "Unit", "#indicator+unit"),
            COUNTRY,
            Column("value", "number", "The figure", "#indicator+value", REQUIRED),
            Column("qualifier", "string", "exact, approximate, at least…", "#indicator+qualifier"),
            Column("value_as_written", "string", "As written in the source", "#indicator+text"),
            Column("period_start", "date", "Start of the period the figure covers", "#date+start"),
            Column("period_end", "date", "End of the period the figure covers", "#date+end"),
            Column(
                "period_as_stated",
                "string",
                "The period as the source states it (English)",
                "#date+text",
            ),
            Column("source_document", "string", "Source document", "#meta+source"),
            Column("source_section", "string", "Page or section", "#meta+source+section"),
            Column("source_url", "string", "Source link", "#meta+url"),
            Column("source_quote", "string", "Quoted sentence", "#meta+source+quote"),
        ],
    ),
    "funding": Table(
        "funding",
        "Funding lines in force",
        "The quantification's funding lines of the years up to the period's, in USD: "
        "requirement, funded (the sum of recorded contributions) and gap (requirement - "
        "funded), with their sources.",
        [
            Column("line", "integer", "Line id", "#meta+id", {"required": True, "unique": True}),
            Column("year", "integer", "Year", "#date+year", REQUIRED),
            Column("quantification", "string", "Quantification code", "#meta+quantification"),
            Column("country", "string", "ISO 3166-1 alpha-3 (empty: regional)", "#country+code"),
            Column("focus_area", "string", "Focus area", "#sector+code"),
            Column("commitment", "string", "Commitment code", "#indicator+code"),
            Column("label_en", "string", "Sector (English)", "#sector+name+i_en"),
            Column("label_es", "string", "Sector (Spanish)", "#sector+name+i_es"),
            Column(
                "requirement_usd",
                "number",
                "Requirement (USD)",
                "#value+required+usd",
                {"required": True, "minimum": 0},
            ),
            Column("funded_usd", "number", "Funded (USD)", "#value+funding+usd", REQUIRED),
            Column(
                "gap_usd", "number", "Gap: requirement - funded (USD)", "#value+gap+usd", REQUIRED
            ),
            Column("source_document", "string", "Source document", "#meta+source"),
            Column("source_section", "string", "Page or section", "#meta+source+section"),
            Column("source_quote", "string", "Quoted sentence", "#meta+source+quote"),
        ],
        primary_key=["line"],
    ),
    "changes": Table(
        "changes",
        "Changes from the previous period, and from this period's previous version",
        "Rows compared with the previous period's latest release (compared_with = "
        "previous_period) and, in a version after 1.0, rows compared with this period's "
        "previous version (compared_with = previous_version: the commitments the errata "
        "concern). Each commitment whose status differs from the release compared with: "
        "up, down, newly reported, no longer reported; and commitments that enter or leave "
        "the list: added_by_new_edition and closed_by_new_edition where a new edition of the "
        "country's plan came into force in between (the commitments it brings, and those of "
        "the edition it replaced), added or closed otherwise. Empty when the previous period "
        "has no release.",
        [
            Column("commitment", "string", "Commitment code", "#indicator+code", REQUIRED),
            COUNTRY,
            Column(
                "change",
                "string",
                "Kind of change",
                "#status+change",
                {
                    "required": True,
                    "enum": [
                        "up",
                        "down",
                        "newly_reported",
                        "no_longer_reported",
                        "added",
                        "closed",
                        "added_by_new_edition",
                        "closed_by_new_edition",
                    ],
                },
            ),
            Column(
                "status_before",
                "integer",
                "Status in the previous period's release",
                "#status+code+previous",
                SCALE,
            ),
            Column(
                "status_after", "integer", "Status in this release", "#status+code+current", SCALE
            ),
            Column(
                "previous_period", "string", "The period compared with", "#date+period+previous"
            ),
            Column(
                "previous_version", "string", "Its release compared with", "#meta+version+previous"
            ),
            Column(
                "compared_with",
                "string",
                "The previous period's release, or this period's previous version",
                "#meta+comparison",
                {"required": True, "enum": ["previous_period", "previous_version"]},
            ),
        ],
        primary_key=["commitment", "compared_with"],
    ),
    "errata": Table(
        "errata",
        "Errata: what changed since the previous version of this period",
        "Every figure that differs from the period's previous release (file, row, column, "
        "from, to), and the reason given when the period was unlocked. Empty in version 1.0.",
        [
            Column("file", "string", "The table", "#meta+file", REQUIRED),
            Column("row", "string", "The row's key", "#meta+key", REQUIRED),
            Column("column", "string", "The column", "#meta+field", REQUIRED),
            Column("before", "string", "Value in the previous version", "#value+previous"),
            Column("after", "string", "Value in this version", "#value+current"),
            Column("previous_version", "string", "The previous version", "#meta+version"),
            Column("reason", "string", "Why the period was unlocked", "#description+reason"),
        ],
    ),
}
# The tables a reader compares between versions (errata): everything but the comparisons.
DATA_TABLES = [name for name in TABLES if name not in ("changes", "errata")]


def commitments_rows(period: ReportingPeriod) -> list[dict]:
    """The commitments ``period`` counts: those of the edition in force in each country at its
    end (``Commitment.objects.in_force``), each with its edition. So a release of a past period
    lists the same commitments after a new edition is loaded; with the 2021 plans alone, every
    commitment."""
    rows = (
        Commitment.objects.in_force(period.end_date)
        .order_by("country__iso3", "focus_area__order", "order", "code")
        .values_list(
            "code",
            "country__iso3",
            "plan__edition",
            "focus_area__code",
            "pillar__number",
            "text",
            "text_es",
            "responsible_institution",
        )
    )
    return [
        {
            "code": code,
            "country": iso3,
            "edition": edition or None,
            "focus_area": area,
            "pillar": pillar,
            "text_en": text,
            "text_es": text_es or None,
            "responsible_institution": institution or None,
        }
        for code, iso3, edition, area, pillar, text, text_es, institution in rows
    ]


def statuses_rows(period: ReportingPeriod, commitments: list[dict]) -> list[dict]:
    """One row per commitment (``commitments_rows``' order): its approved status as of
    ``period``, or empty values when none is reported."""
    chosen = {
        row["commitment__code"]: row
        for row in status_as_of(period).values(
            "commitment__code",
            "status",
            "period__code",
            "created_at",
            "narrative",
            "evidence_url",
        )
    }
    out = []
    for c in commitments:
        row = chosen.get(c["code"])
        status = None if row is None else row["status"]
        out.append(
            {
                "commitment": c["code"],
                "country": c["country"],
                "status": status,
                "progress_percent": None if status is None else status * 20,
                "period_reported": None if row is None else row["period__code"],
                "date_reported": None if row is None else row["created_at"].date().isoformat(),
                "narrative": (row["narrative"] or None) if row else None,
                "evidence_url": (row["evidence_url"] or None) if row else None,
            }
        )
    return out


GROUPINGS = {
    "progress_region": (),
    "progress_pillar": ("pillar",),
    "progress_country": ("country",),
    "progress_focus_area": ("focus_area",),
    "progress_country_pillar": ("country", "pillar"),
}


def _stats_row(keys: dict, label: str, stats: dict) -> dict:
    levels = stats["levels"]
    return {
        **keys,
        "label": label,
        "commitments": stats["commitments"],
        "reported": stats["reported"],
        "coverage": stats["coverage"],
        "progress": stats["progress"],
        **{f"level_{level}": levels[str(level)] for level in LEVELS},
        "not_reported": levels["not_reported"],
        "updated": stats["updated"],
        "reporting_rate": stats["reporting_rate"],
    }


def progress_rows(period: ReportingPeriod) -> dict[str, list[dict]]:
    """The engine's figures for ``period``, the way ``/api/v1/progress/`` gives them."""
    with translation.override("en"):
        results = progress.compute_many([list(by) for by in GROUPINGS.values()], period)
    out = {}
    for (name, by), result in zip(GROUPINGS.items(), results, strict=True):
        data = result.as_dict()
        if not by:
            out[name] = [_stats_row({}, "All commitments", data["total"])]
        else:
            out[name] = [
                _stats_row({part: group[part] for part in by}, group["label"], group)
                for group in data["groups"]
            ]
    return out


def indicators_rows(period: ReportingPeriod) -> list[dict]:
    """Approved values whose period ends (or, with no end, starts) by the period's end: the
    newest approved one of each slot (indicator, country, period covered)."""
    values = (
        IndicatorValue.objects.approved()
        .alias(_when=Coalesce("period_end", "period_start"))
        .filter(_when__lte=period.end_date)
        .select_related("indicator", "country")
        .order_by(
            "indicator__order",
            "indicator__code",
            "country__iso3",
            "period_start",
            "period_end",
            "created_at",
            "id",
        )
    )
    newest: dict[tuple, IndicatorValue] = {}
    for v in values:
        newest[(v.indicator_id, v.country_id, v.period_start, v.period_end)] = v
    return [
        {
            "indicator": v.indicator.code,
            "indicator_name_en": v.indicator.name_en,
            "indicator_name_es": v.indicator.name_es,
            "unit": v.indicator.unit,
            "country": v.country.iso3,
            "value": format(v.value.normalize(), "f"),  # exact decimal text, never a float
            "qualifier": v.qualifier or None,
            "value_as_written": v.value_as_written or None,
            "period_start": v.period_start.isoformat() if v.period_start else None,
            "period_end": v.period_end.isoformat() if v.period_end else None,
            "period_as_stated": v.period_label_en or None,
            "source_document": v.source_document or None,
            "source_section": v.source_section or None,
            "source_url": v.source_url or None,
            "source_quote": v.source_quote or None,
        }
        for v in newest.values()
    ]


def _money(amount) -> str:
    return f"{amount:.2f}"


def funding_rows(period: ReportingPeriod) -> list[dict]:
    rows = funding_lines(year__lte=period.end_date.year).order_by(
        "year", "quantification__code", "order", "id"
    )
    return [
        {
            "line": line.pk,
            "year": line.year,
            "quantification": line.quantification.code if line.quantification_id else None,
            "country": line.country.iso3 if line.country_id else None,
            "focus_area": line.focus_area.code if line.focus_area_id else None,
            "commitment": line.commitment.code if line.commitment_id else None,
            "label_en": line.label_en or None,
            "label_es": line.label_es or None,
            "requirement_usd": _money(line.requirement),
            "funded_usd": _money(line.funded),
            "gap_usd": _money(line.gap),
            "source_document": line.source_document or None,
            "source_section": line.source_section or None,
            "source_quote": line.source_quote or None,
        }
        for line in rows
    ]


def data_tables(period: ReportingPeriod, on_step=None) -> dict[str, list[dict]]:
    """Every data table of a release of ``period`` (not ``changes`` or ``errata``, which
    compare it with earlier releases)."""
    step = on_step or (lambda name, share: None)
    step("commitments", 5)
    commitments = commitments_rows(period)
    step("statuses", 20)
    tables = {"commitments": commitments, "statuses": statuses_rows(period, commitments)}
    step("progress", 40)
    tables.update(progress_rows(period))
    step("indicators", 55)
    tables["indicators"] = indicators_rows(period)
    tables["funding"] = funding_rows(period)
    return tables
