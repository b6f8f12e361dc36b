"""The sheet of a new plan edition (issue 22): its columns, reading it (through the reader's
public ``reading.read``, .xlsx, .xls, .ods or .csv) into
``commitments.editions.EditionRow``\\ s, and the template pre-filled with a country's current
edition, each commitment replacing itself, so that a team edits rather than retypes.

Columns (in any order, headers in English or Spanish): code, focus area, pillar, text in
English, text in Spanish, responsible institution (optional), replaces (predecessor codes
separated by ``;``). The loading itself is ``commitments.editions`` (every door calls it)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from commitments.editions import EditionRow
from commitments.models import Commitment, NationalPlan
from countries.models import Country
from mirps.tabular import rows_to_csv, safe
from spreadsheets import reading
from spreadsheets.formats import header_tokens


@dataclass(frozen=True)
class EditionColumn:
    key: str
    en: str
    es: str
    width: int
    names: tuple[str, ...]  # header names people write (normalised by header_tokens)
    required: bool = True


COLUMNS = [
    EditionColumn("code", "Code", "Código", 15, ("code", "codigo", "commitment code")),
    EditionColumn(
        "focus_area", "Focus area", "Área de enfoque", 16, ("focus area", "area enfoque", "area")
    ),
    EditionColumn("pillar", "Pillar", "Pilar", 8, ("pillar", "pilar")),
    EditionColumn(
        "text_en",
        "Text in English",
        "Texto en inglés",
        60,
        ("text english", "texto ingles", "english", "ingles", "text en", "commitment english"),
    ),
    EditionColumn(
        "text_es",
        "Text in Spanish",
        "Texto en español",
        60,
        ("text spanish", "texto espanol", "spanish", "espanol", "text es", "compromiso espanol"),
    ),
    EditionColumn(
        "responsible_institution",
        "Responsible institution",
        "Institución responsable",
        30,
        ("responsible institution", "institucion responsable", "institution", "institucion"),
        required=False,
    ),
    EditionColumn(
        "replaces",
        "Replaces",
        "Reemplaza",
        22,
        ("replaces", "reemplaza", "predecessors", "predecesores", "replaces codes"),
        required=False,
    ),
]
KEYS = [c.key for c in COLUMNS]
SHEET_NAME = {"en": "Edition", "es": "Edición"}


class SheetUnreadable(ValueError):
    """The file is not an edition sheet (unreadable, or its header is missing columns)."""


# When a header names two columns equally well ("Replaces (codes)": replaces and code), the
# more specific one wins: earlier in this list.
PRIORITY = ["replaces", "responsible_institution", "text_en", "text_es", "focus_area", "pillar",
            "code", "text"]  # fmt: skip
# A single text column ("Text", "Compromiso"): the text in the original language.
TEXT_NAMES = ("text", "texto", "commitment", "compromiso", "commitment text", "texto compromiso")


def _tokens(value) -> set[str]:
    """A header's words as ``header_tokens`` reads them, the words in brackets included
    ("Text (English)" is the text in English)."""
    return set(header_tokens(re.sub(r"[\(\)\[\]\{\}]", " ", str(value or ""))))


def _key(value) -> str | None:
    """The column a header names: the column one of whose names has all its words in the
    header, the longest such name first, then ``PRIORITY``."""
    tokens = _tokens(value)
    if not tokens:
        return None
    best = None
    candidates = [(c.key, (c.en, c.es, *c.names)) for c in COLUMNS] + [("text", TEXT_NAMES)]
    for key, names in candidates:
        for name in names:
            words = set(header_tokens(name))
            if words and words <= tokens:
                rank = (len(words), -PRIORITY.index(key))
                if best is None or rank > best[0]:
                    best = (rank, key)
    return best[1] if best else None


def read_edition_sheet(data: bytes, original_language: str = "en") -> list[EditionRow]:
    """The rows of an edition sheet: the first sheet with a header row naming the code, the
    focus area and the pillar (among its first 20 rows); every row below it with a code or a
    text. A single text column without a language ("Text", "Compromiso") is the text in
    ``original_language``. ``SheetUnreadable`` when the file cannot be read or has no such
    header."""
    try:
        sheets = reading.read(data)
    except reading.Rejected as refused:
        raise SheetUnreadable(str(refused)) from refused
    for sheet in sheets:
        if sheet.hidden or sheet.kind != "worksheet":
            continue
        for index, row in enumerate(sheet.rows[:20]):
            columns = {}
            for position, value in enumerate(row.values):
                key = _key(value)
                if key and key not in columns:
                    columns[key] = position
            if not {"code", "focus_area", "pillar"} <= set(columns):
                continue
            plain = columns.pop("text", None)
            original = "text_es" if original_language == "es" else "text_en"
            if plain is not None and original not in columns:
                columns[original] = plain
            if "text_en" not in columns and "text_es" not in columns:
                continue
            rows = []
            for below in sheet.rows[index + 1 :]:
                cells = {
                    key: below.values[pos] if pos < len(below.values) else None
                    for key, pos in columns.items()
                }
                if not any(cells.get(k) not in (None, "") for k in ("code", "text_en", "text_es")):
                    continue
                rows.append(
                    EditionRow(
                        number=below.number,
                        **{k: "" if v is None else str(v) for k, v in cells.items()},
                    )
                )
            return rows
    raise SheetUnreadable(
        _(
            "No header row names the columns code, focus area, pillar and a text (in English "
            "or Spanish)."
        )
    )


def template_rows(country: Country, year: int | None = None) -> list[list[str]]:
    """The current edition of ``country``, a row per commitment replacing itself, with a code
    proposed for the new edition: ``{ISO3}{yy}-{AREA}-{NN}`` (``year``'s last two digits)."""
    plan = NationalPlan.objects.latest_of(country)
    if plan is None:
        return []
    suffix = f"{year % 100:02d}" if year else ""
    commitments = (
        Commitment.objects.filter(plan=plan)
        .select_related("focus_area", "pillar")
        .order_by("focus_area__order", "order")
    )
    rows, numbers = [], {}
    for c in commitments:
        area = c.focus_area.code
        numbers[area] = numbers.get(area, 0) + 1
        code = f"{country.iso3}{suffix}-{area}-{numbers[area]:02d}" if suffix else ""
        rows.append(
            [
                code,
                area,
                str(c.pillar.number),
                c.text,
                c.text_es,
                c.responsible_institution,
                c.code,
            ]
        )
    return rows


def _header(language: str) -> list[str]:
    return [c.en if language == "en" else c.es for c in COLUMNS]


def build_edition_template(country: Country, *, year: int | None, language: str) -> bytes:
    """The template as .xlsx: the header in ``language`` and a short instruction above it."""
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SHEET_NAME[language]
        sheet.append(
            [
                _(
                    "New edition of %(country)s's plan: one row per commitment. Replaces: the "
                    "codes of the previous edition it continues, separated by ';' (one code: "
                    "continued or reworded; a code on several rows: split; several codes: "
                    "merged; empty: new). A previous commitment that no row replaces closes "
                    "with its edition."
                )
                % {"country": country.name}
            ]
        )
        sheet.append(_header(language))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in template_rows(country, year):
            sheet.append([safe(v) for v in row])
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[chr(64 + index)].width = column.width
            for cell in sheet[chr(64 + index)][2:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def build_edition_template_csv(country: Country, *, year: int | None, language: str) -> bytes:
    return rows_to_csv(_header(language), template_rows(country, year))
