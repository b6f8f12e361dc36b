"""What the matrix looks like and how real spreadsheets are read: headers in English and
Spanish, statuses written the many ways people write them, and the template's identity."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_noop

from ..models import Status

TEMPLATE_VERSION = "1"
META_SHEET = "_mirps"
DATA_SHEET = {"en": "Matrix", "es": "Matriz"}

# Column keys, in the template's order, with their header in each language.
COLUMNS = [
    ("code", "Code", "Código"),
    ("country", "Country", "País"),
    ("focus_area", "Focus area", "Área de enfoque"),
    ("pillar", "Pillar", "Pilar"),
    ("text", "Commitment", "Compromiso"),
    ("previous", "Status as of {period}", "Estado al cierre de {period}"),
    ("status", "New status", "Nuevo estado"),
    ("narrative", "Narrative", "Narrativa"),
    ("evidence_url", "Evidence link", "Enlace a la evidencia"),
    ("version", "Version", "Versión"),
]

# Header aliases (normalised: lower case, no accents, single spaces). Exact matches first;
# then the prefixes, so "Status as of 2024" is the previous status, not the new one.
HEADER_ALIASES = {
    "code": {"code", "codigo", "commitment code", "codigo del compromiso", "id", "ref"},
    "country": {"country", "pais", "iso3"},
    "focus_area": {"focus area", "area de enfoque", "area", "sector"},
    "pillar": {"pillar", "pilar"},
    "text": {
        "commitment",
        "compromiso",
        "commitment text",
        "texto",
        "texto del compromiso",
        "text",
        "descripcion",
        "description",
    },
    "status": {
        "new status",
        "nuevo estado",
        "status",
        "estado",
        "semaforo",
        "traffic light",
        "estado nuevo",
        "avance",
        "progress",
        "nivel",
        "level",
    },
    "narrative": {
        "narrative",
        "narrativa",
        "comments",
        "comentarios",
        "observaciones",
        "comment",
        "comentario",
        "notes",
        "notas",
        "explanation",
        "explicacion",
    },
    "evidence_url": {
        "evidence link",
        "enlace a la evidencia",
        "evidence",
        "evidencia",
        "link",
        "enlace",
        "url",
        "medio de verificacion",
        "means of verification",
    },
    "version": {"version"},
}
HEADER_PREFIXES = {
    "previous": (
        "status as of",
        "estado al cierre",
        "previous status",
        "estado anterior",
        "current status",
        "estado actual",
    ),
    "status": ("new status", "nuevo estado"),
}

LABELS = {
    0: ("not started", "no iniciado"),
    1: ("started and being implemented", "iniciado y en implementacion", "started", "iniciado"),
    2: ("being implemented (40%)", "en implementacion (40%)"),
    3: ("being implemented (60%)", "en implementacion (60%)"),
    4: ("being implemented (80%)", "en implementacion (80%)"),
    5: ("completed", "completado", "complete", "cumplido", "finalizado"),
}


def normalise(text) -> str:
    """Lower case, accents removed, whitespace collapsed: for comparing headers and labels."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


def header_key(value) -> str | None:
    name = normalise(value).rstrip(":*").strip()
    if not name:
        return None
    for key, prefixes in HEADER_PREFIXES.items():
        if name.startswith(prefixes):
            return key
    for key, aliases in HEADER_ALIASES.items():
        if name in aliases:
            return key
    return None


def status_choice_label(value: int, language: str) -> str:
    """How the template's drop-down writes a level: "3 - Being implemented (60%)"."""
    from django.utils import translation

    with translation.override(language):
        return f"{value} - {Status(value).label}"


class StatusUnreadable(ValueError):
    pass


_PERCENT = re.compile(r"^(\d{1,3})(?:[.,]0+)?\s*%$")
_LEADING = re.compile(r"^([0-5])(?:[.,]0+)?(?:\s*(?:[-–·:|]|\(|$).*)?$")


def parse_status(value) -> int | None:
    """A status from a cell: 3, 3.0, "3", "3 - 60%", "60%", 0.6 (a cell formatted as
    percent), or a label in English or Spanish. None for an empty cell.

    Raises StatusUnreadable with a reason for anything else (dates, out-of-range numbers…).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise StatusUnreadable(gettext_noop("not a status"))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise StatusUnreadable(gettext_noop("a date where a status belongs"))
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 0 <= number <= 5:
            return int(number)
        if 0 < number < 1 and abs(number * 5 - round(number * 5)) < 1e-9:
            return round(number * 5)  # 0.6: a percentage stored as a fraction
        raise StatusUnreadable(gettext_noop("out of range: use 0 to 5"))
    text = normalise(value)
    if not text:
        return None
    match = _PERCENT.match(text)
    if match:
        percent = int(match.group(1))
        if percent % 20 == 0 and percent <= 100:
            return percent // 20
        raise StatusUnreadable(gettext_noop("percentages must be 0%, 20%, 40%, 60%, 80% or 100%"))
    match = _LEADING.match(text)
    if match:
        return int(match.group(1))
    for level, labels in LABELS.items():
        if text in labels:
            return level
    if re.match(r"^-?\d+([.,]\d+)?$", text):
        raise StatusUnreadable(gettext_noop("out of range: use 0 to 5"))
    raise StatusUnreadable(gettext_noop("not a status on the 0-5 scale"))
