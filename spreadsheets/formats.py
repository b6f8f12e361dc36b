"""What the matrix looks like and how real spreadsheets are read: one column definition for
every export and upload, headers recognised as people write them (English or Spanish, with
variants), and statuses written the many ways people write them."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from statuses.models import Status

TEMPLATE_VERSION = "2"
META_SHEET = "_mirps"
DATA_SHEET = {"en": "Matrix", "es": "Matriz"}
INSTRUCTIONS_SHEET = {"en": "Instructions", "es": "Instrucciones"}


@dataclass(frozen=True)
class Column:
    key: str
    en: str  # "{previous}" and "{period}" are filled in with period codes
    es: str
    width: int
    input: bool = False  # the person fills it in
    hidden: bool = False

    def title(self, language: str, period: str, previous: str) -> str:
        label = self.en if language == "en" else self.es
        return label.format(period=period, previous=previous)


# The one format: the matrix to fill in, its export and the workspace list export all write
# these columns, and the importer reads them back (in any order, in either language).
COLUMNS = [
    Column("code", "Code", "Código", 13),
    Column("country", "Country", "País", 12),
    Column("focus_area", "Focus area", "Área de enfoque", 16),
    Column("pillar", "Pillar", "Pilar", 8),
    Column("text", "Commitment", "Compromiso", 70),
    Column("previous", "Status as of {previous}", "Estado al cierre de {previous}", 22),
    Column("status", "New status ({period})", "Nuevo estado ({period})", 30, input=True),
    Column("narrative", "Narrative", "Narrativa", 50, input=True),
    Column("evidence_url", "Evidence link", "Enlace a la evidencia", 30, input=True),
    Column("review", "Review ({period})", "Revisión ({period})", 24),
    Column("version", "Version", "Versión", 9, hidden=True),
]
COLUMN_KEYS = [c.key for c in COLUMNS]
# What the importer uses; the other columns are read for people and recognised only so that
# they are not mistaken for one of these.
USED = ("code", "text", "status", "narrative", "evidence_url", "version")

# --------------------------------------------------------------------------------------------
# Headers

# Names per column, English and Spanish, as people write them (accents, case, plurals and
# small words do not matter: both sides are normalised by ``header_tokens``). A header that is
# exactly a name is recognised; then one that contains a name (the longest name wins: "Código
# del compromiso" is the code, not the commitment); then one that is close to a name.
NAMES = {
    "code": [
        "code", "codigo", "cod", "commitment code", "codigo compromiso", "id", "identifier",
        "identificador", "ref", "reference", "referencia", "clave", "codigo mirps",
    ],
    "country": ["country", "pais", "iso3", "iso", "country code", "codigo pais"],
    "focus_area": [
        "focus area", "area enfoque", "area", "sector", "area tematica", "thematic area",
        "ambito",
    ],
    "pillar": ["pillar", "pilar", "objective", "objetivo", "objetivo estrategico"],
    "text": [
        "commitment", "compromiso", "commitment text", "texto compromiso", "texto", "text",
        "descripcion", "description", "nombre compromiso", "descripcion compromiso",
        "accion", "action", "medida", "commitment description",
    ],
    "previous": [
        "status as", "estado cierre", "previous status", "estado anterior", "last status",
        "ultimo estado", "status before", "estado previo", "approved status",
        "estado aprobado", "prior status", "status end", "estado aprobado anterior",
    ],
    "status": [
        "new status", "nuevo estado", "estado nuevo", "status", "estado", "semaforo",
        "traffic light", "nivel", "level", "avance", "progress", "estado avance",
        "nivel avance", "grado avance", "porcentaje avance", "porcentaje", "percentage",
        "calificacion", "rating", "score", "puntaje", "valoracion", "estado implementacion",
        "implementation status", "estatus", "progress level", "estado compromiso",
        "commitment status", "nivel cumplimiento", "cumplimiento", "compliance", "new level",
        "nuevo nivel", "status update", "progress status", "situacion",
    ],
    "narrative": [
        "narrative", "narrativa", "comments", "comentario", "comment", "observacion",
        "notes", "nota", "explanation", "explicacion", "justificacion", "justification",
        "descripcion avance", "description progress", "progress description",
        "progress narrative", "narrativa avance", "detalle", "details", "detalle avance",
        "remarks", "acciones realizadas", "actions taken", "avances realizados", "logros",
        "achievements", "resultados", "results", "que se hizo", "what was done",
        "descripcion realizado", "progress made", "progress comments", "progress notes",
    ],
    "evidence_url": [
        "evidence link", "enlace evidencia", "evidence", "evidencia", "link", "enlace", "url",
        "medio verificacion", "means verification", "fuente verificacion",
        "source verification", "verificacion", "verification", "soporte",
        "documento respaldo", "respaldo", "supporting document", "hipervinculo",
        "hyperlink", "vinculo", "web", "link evidencia", "evidence url",
    ],
    "review": [
        "review", "revision", "estado revision", "review state", "review status",
        "awaiting review", "pendiente revision", "en revision",
    ],
    "version": ["version"],
}  # fmt: skip
# "Estado actual" is the previous status in the matrix, but in a sheet with no other status
# column it is the status being reported.
WEAK_PREVIOUS = ["current status", "estado actual", "situacion actual", "current level"]
# When a header contains names of two columns equally well, the one earlier here wins: "Estado
# del compromiso" is a status, "Comentarios sobre el avance" a narrative.
PRIORITY = [
    "version",
    "previous",
    "review",
    "evidence_url",
    "narrative",
    "code",
    "country",
    "focus_area",
    "pillar",
    "status",
    "text",
]
SMALL_WORDS = {
    "de", "del", "la", "las", "el", "los", "lo", "al", "a", "en", "y", "e", "o", "u", "por",
    "para", "con", "sobre", "su", "sus", "of", "the", "an", "in", "on", "and", "or", "for",
    "to", "by", "with", "per", "at", "this", "este", "esta",
}  # fmt: skip
MAX_HEADER = 200  # characters: a longer cell is not taken for a header of the indicators sheet
SIMILAR = 0.8  # similarity (0-1) from which an unrecognised header is taken for a name
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
_PERIOD = re.compile(r"\b(\d{4}(?:-H[12])?)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def normalise(text) -> str:
    """Lower case, accents removed, whitespace collapsed: for comparing texts and labels."""
    text = str(text or "")
    if not text.isascii():  # ASCII is its own NFKD form, with no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    # str.split() splits on the characters ``\s`` matches (str.isspace), runs collapsed
    return " ".join(text.split()).lower()


def _canon(token: str) -> str:
    """A word without its plural ending, so "comentarios" is "comentario"."""
    if token.endswith("s") and len(token) > 3:
        token = token[:-1]
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def header_tokens(value) -> tuple[str, ...]:
    """The words of a header that matter: accents, case, line breaks, punctuation, numbering,
    notes in brackets ("(0-5)", "(%)", "(2025)") and small words removed."""
    text = normalise(_BRACKETS.sub(" ", str(value or "")))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and words[0].isdigit() and len(words) > 1:  # "7. Narrativa"
        words.pop(0)
    return tuple(_canon(w) for w in words if w not in SMALL_WORDS)


def header_period(value) -> str | None:
    """The period a header names in brackets, as in "New status (2025)"."""
    for note in _BRACKETS.findall(str(value or "")):
        match = _PERIOD.search(note)
        if match:
            return match.group(1).upper()
    return None


_NAME_TOKENS = {key: [header_tokens(name) for name in names] for key, names in NAMES.items()} | {
    "_weak_previous": [header_tokens(name) for name in WEAK_PREVIOUS]
}


def _contains(tokens: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Whether the words of ``name`` appear in ``tokens`` in order (others may come between)."""
    position = 0
    for word in name:
        try:
            position = tokens.index(word, position) + 1
        except ValueError:
            return False
    return True


@dataclass(frozen=True)
class Guess:
    key: str
    score: float  # 1: a name; 0.6-0.95: contains a name (longer names score higher); <0.5
    how: str  # "name", "phrase", "similar"


def _may_be_similar(a: str, b: str, threshold: float = SIMILAR) -> bool:
    """Whether difflib's ratio of ``a`` and ``b`` could reach ``threshold`` (its upper bound,
    from their lengths alone, as ``SequenceMatcher.real_quick_ratio``)."""
    return 2 * min(len(a), len(b)) >= threshold * (len(a) + len(b))


def _ratio(a: str, b: str, threshold: float) -> float:
    """difflib's ratio of ``a`` and ``b``, or 0 when it cannot reach ``threshold``. Its
    ``quick_ratio`` bound (twice the letters both share, whatever their order, over both
    lengths) is computed first from the words' letter counts (kept: the names are compared
    with every cell of the rows searched for a header), so most data cells are ruled out
    without difflib."""
    if not a or not b:
        return difflib.SequenceMatcher(None, a, b).ratio()
    shared = sum((_letters(a) & _letters(b)).values())
    if 2.0 * shared / (len(a) + len(b)) < threshold:  # as difflib computes its ratios
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


@functools.lru_cache(maxsize=4096)
def _letters(text: str) -> Counter:
    return Counter(text)


def guesses(value, table=None) -> list[Guess]:
    """Every column this header could be, best first (``table``: the names and priority of
    another sheet's columns, ``INDICATOR_TABLE``; default the status sheet's)."""
    name_tokens, priority = table or (_NAME_TOKENS, PRIORITY)
    if table is not None and len(str(value or "")) > MAX_HEADER:
        return []  # a narrative, not a header: never compared (a 1 MB cell would take minutes)
    if table is None and is_totals_label(value):
        return []  # "Promedio de avance", "Total": a summary's column, not a commitment's
    tokens = header_tokens(value)
    if not tokens:
        return []
    found: dict[str, Guess] = {}

    def offer(key, score, how):
        if key not in found or found[key].score < score:
            found[key] = Guess(key, score, how)

    for key, names in name_tokens.items():
        target = "previous" if key == "_weak_previous" else key
        for name in names:
            if tokens == name:
                offer(target, 1.0, "name")
            elif _contains(tokens, name):
                offer(target, min(0.5 + 0.1 * len(name), 0.95), "phrase")
    if not found:
        joined = " ".join(tokens)
        for key, names in name_tokens.items():
            target = "previous" if key == "_weak_previous" else key
            for name in names:
                spelled = " ".join(name)
                # the ratio is at most 2·shorter/(both lengths): skip what cannot reach SIMILAR
                if _may_be_similar(joined, spelled):
                    ratio = _ratio(joined, spelled, SIMILAR)
                    if ratio >= SIMILAR:
                        offer(target, 0.45 * ratio, "similar")
                if len(name) == 1 and len(name[0]) >= 5:
                    for token in tokens:
                        if not _may_be_similar(token, name[0], SIMILAR + 0.05):
                            continue
                        ratio = _ratio(token, name[0], SIMILAR + 0.05)
                        if ratio >= SIMILAR + 0.05:
                            offer(target, 0.4 * ratio, "similar")
    return sorted(found.values(), key=lambda g: (-g.score, priority.index(g.key)))


def header_key(value) -> str | None:
    """The column a header names on its own, or None (what ``guesses`` puts first)."""
    found = guesses(value)
    return found[0].key if found else None


@dataclass(frozen=True)
class Mapped:
    key: str
    index: int  # 0-based column
    header: str
    how: str  # "name", "phrase", "similar", "chosen" (by the person, in the preview)
    score: float


def _year(header: str) -> int:
    """The latest year a header names ("Estado 2025", "Nuevo estado (2025)"), 0 for none."""
    return max(header_years(header), default=0)


def header_years(header) -> list[int]:
    """Every year a header names, bracketed or not ("Estado 2024", "Avance 2021-2025")."""
    return [int(y) for y in _YEAR.findall(str(header or ""))]


def map_columns(headers: list, table=None, known: dict | None = None) -> dict[str, Mapped]:
    """Which column is which in a header row: each column for at most one key and each key
    from at most one column, the strongest matches first (ties: the column naming the latest
    year, "Estado 2025" before "Estado 2024"; then the leftmost column).
    ``table``: another sheet's names (``INDICATOR_TABLE``); default the status sheet's.
    ``known``: the guesses already made for texts of this table (a search over several rows
    of one sheet, whose data cells repeat: a period, a source), kept there."""
    priority = (table or (_NAME_TOKENS, PRIORITY))[1]
    offers = []
    statuses = []  # the columns that may be the status, by a name or a phrase
    for index, value in enumerate(headers):
        if not isinstance(value, str):
            continue
        if known is None:
            found = guesses(value, table)
        elif (found := known.get(value)) is None:
            found = known[value] = guesses(value, table)
        if any(g.key == "status" and g.how != "similar" for g in found):
            statuses.append((index, value))
        year = _year(value) if found else 0
        for guess in found:
            offers.append((-guess.score, priority.index(guess.key), -year, index, guess))
    offers.sort(key=lambda o: o[:4])
    taken: set[int] = set()
    mapped: dict[str, Mapped] = {}
    for _score, _priority, _year_first, index, guess in offers:
        if guess.key in mapped or index in taken:
            continue
        taken.add(index)
        header = str(headers[index])
        mapped[guess.key] = Mapped(guess.key, index, header, guess.how, guess.score)
    previous = mapped.get("previous")
    if table is None and "status" not in mapped and previous is not None:
        tokens = header_tokens(previous.header)
        if any(_contains(tokens, name) for name in _NAME_TOKENS["_weak_previous"]):
            mapped["status"] = Mapped("status", previous.index, previous.header, "phrase", 0.7)
            del mapped["previous"]
    if table is None:
        _progress_beside_status(statuses, mapped, taken)
    return mapped


# "Avances", "Progress": the status where no other column is, but beside "Estado" the
# description of what was done (the narrative), as a person reads such a sheet
WEAK_STATUS = [header_tokens(name) for name in ("avance", "progress")]


def _weak_status(header) -> bool:
    """Whether a header names a status only by a word that may also head the narrative
    ("Avances", "Avances del periodo"; not "% de avance", "Nivel de avance", "Avance (%)")."""
    if "%" in str(header):
        return False
    tokens = header_tokens(header)
    names = [name for name in _NAME_TOKENS["status"] if _contains(tokens, name)]
    return bool(names) and all(name in WEAK_STATUS for name in names)


def _progress_beside_status(statuses: list, mapped: dict[str, Mapped], taken: set[int]) -> None:
    """A weak status column ("Avances") beside a column that names a status plainly
    ("Estado"): the latter is the status, the former the narrative when none is named.
    ``statuses``: every column that may be the status, as (index, header)."""
    status = mapped.get("status")
    if status is None:
        return
    free = [(index, value) for index, value in statuses if index not in taken]
    if _weak_status(status.header):
        plain = [(index, value) for index, value in free if not _weak_status(value)]
        if not plain:
            return
        index, value = plain[0]
        taken.add(index)
        mapped["status"] = Mapped("status", index, value, "phrase", 0.8)
        weak_index, weak_header = status.index, status.header
    else:
        weak = [(index, value) for index, value in free if _weak_status(value)]
        if not weak:
            return
        weak_index, weak_header = weak[0]
        taken.add(weak_index)
    if "narrative" not in mapped:
        mapped["narrative"] = Mapped("narrative", weak_index, weak_header, "phrase", 0.7)


def is_header(mapped: dict[str, Mapped]) -> bool:
    return "status" in mapped and ("code" in mapped or "text" in mapped)


# --------------------------------------------------------------------------------------------
# The indicators sheet: one row per indicator of the catalogue that applies to the country,
# with its current value for the period and the cells to fill in. Headers are recognised as
# the status sheet's are (the same ``guesses``, with this table of names).

INDICATOR_SHEET = {"en": "Indicators", "es": "Indicadores"}
INDICATOR_COLUMNS = [
    Column("indicator", "Indicator code", "Código del indicador", 26),
    Column("country", "Country", "País", 9),
    Column("indicator_name", "Indicator", "Indicador", 40),
    Column("unit", "Unit", "Unidad", 12),
    Column("period", "Period (as stated)", "Período (según la fuente)", 26, input=True),
    Column("period_start", "Period start", "Inicio del período", 13, input=True),
    Column("period_end", "Period end", "Fin del período", 13, input=True),
    Column("current_value", "Current value", "Valor actual", 14),
    Column("current_state", "State of the current value", "Estado del valor actual", 22),
    Column("new_value", "New value ({period})", "Nuevo valor ({period})", 16, input=True),
    Column("source_document", "Source document", "Documento fuente", 30, input=True),
    Column("source_section", "Page, section or link", "Página, sección o enlace", 24, input=True),
    Column("source_quote", "Source sentence", "Frase de la fuente", 40, input=True),
    Column("comment", "Comment", "Comentario", 30, input=True),
    Column("version", "Version", "Versión", 9, hidden=True),
]
INDICATOR_KEYS = [c.key for c in INDICATOR_COLUMNS]
INDICATOR_USED = (
    "indicator", "country", "indicator_name", "period", "period_start", "period_end",
    "new_value", "source_document", "source_section", "source_quote", "comment", "version",
)  # fmt: skip
INDICATOR_NAMES = {
    "indicator": [
        "indicator code", "codigo indicador", "code", "codigo", "cod", "id", "clave",
        "indicator id", "ref", "codigo mirps",
    ],
    "country": ["country", "pais", "iso3", "iso", "country code", "codigo pais"],
    "indicator_name": [
        "indicator", "indicador", "indicator name", "nombre indicador", "name", "nombre",
        "descripcion", "description", "descripcion indicador",
    ],
    "unit": ["unit", "unidad", "unidad medida", "unit measure", "measure", "medida"],
    "period": [
        "period", "periodo", "period as stated", "periodo segun fuente", "periodo reportado",
        "reporting period", "periodo referencia", "reference period", "periodo fuente",
    ],
    "period_start": [
        "period start", "inicio periodo", "start", "inicio", "desde", "fecha inicio",
        "start date", "from date", "periodo desde",
    ],
    "period_end": [
        "period end", "fin periodo", "end", "fin", "hasta", "fecha fin", "end date",
        "fecha corte", "cut off date", "periodo hasta", "fecha final", "final periodo",
    ],
    "current_value": [
        "current value", "valor actual", "previous value", "valor anterior", "last value",
        "ultimo valor", "valor registrado", "recorded value", "approved value",
        "valor aprobado", "current figure", "cifra actual",
    ],
    "current_state": [
        "state", "estado", "review state", "estado revision", "status", "current state",
        "estado valor actual", "state current value", "revision", "review",
    ],
    "new_value": [
        "new value", "nuevo valor", "valor nuevo", "value", "valor", "cifra", "figure", "dato",
        "new figure", "nueva cifra", "cantidad", "numero", "number", "valor reportado",
        "reported value", "valor informado",
    ],
    "source_document": [
        "source document", "documento fuente", "source", "fuente", "document", "documento",
        "fuente informacion", "source information", "fuente dato", "data source",
        "medio verificacion", "means verification",
    ],
    "source_section": [
        "page section link", "pagina seccion enlace", "page", "pagina", "section", "seccion",
        "link", "enlace", "url", "page section", "pagina seccion", "capitulo", "chapter",
        "section link", "seccion enlace",
    ],
    "source_quote": [
        "source sentence", "frase fuente", "quote", "cita", "sentence", "frase",
        "quoted sentence", "frase citada", "texto fuente", "source text", "extracto",
        "excerpt", "cita textual",
    ],
    "comment": [
        "comment", "comentario", "notes", "nota", "observacion", "remarks", "note",
    ],
    "version": ["version"],
}  # fmt: skip
# When a header names two columns equally well, the earlier here wins: "Estado del valor
# actual" is the state, "Frase de la fuente" the sentence, "Fecha de inicio del periodo" the
# start.
INDICATOR_PRIORITY = [
    "version", "current_state", "current_value", "source_quote", "source_section",
    "source_document", "period_start", "period_end", "period", "new_value", "unit", "country",
    "indicator", "indicator_name", "comment",
]  # fmt: skip
INDICATOR_TABLE = (
    {key: [header_tokens(name) for name in names] for key, names in INDICATOR_NAMES.items()},
    INDICATOR_PRIORITY,
)


# Beside a new value and an indicator, an indicators sheet names at least one of these: "Name"
# and "Value" alone are any two-column list, not indicators.
INDICATOR_EVIDENCE = (
    "source_document", "source_section", "source_quote", "period", "period_start",
    "period_end", "country", "unit", "current_value",
)  # fmt: skip


def is_indicator_header(mapped: dict[str, Mapped]) -> bool:
    return (
        "new_value" in mapped
        and ("indicator" in mapped or "indicator_name" in mapped)
        and any(key in mapped for key in INDICATOR_EVIDENCE)
    )


# --------------------------------------------------------------------------------------------
# Statuses

LABELS = {
    0: (
        "not started", "no iniciado", "no iniciada", "sin iniciar", "no ha iniciado",
        "sin avance", "sin avances", "no progress",
    ),
    1: ("started and being implemented", "iniciado y en implementacion", "started", "iniciado"),
    2: ("being implemented (40%)", "en implementacion (40%)"),
    3: ("being implemented (60%)", "en implementacion (60%)"),
    4: ("being implemented (80%)", "en implementacion (80%)"),
    5: (
        "completed", "completado", "complete", "cumplido", "finalizado", "done", "concluido",
        "completo", "completada", "cumplida", "finalizada", "concluida", "terminado",
        "terminada", "finished",
    ),
}  # fmt: skip
# What people write in a status cell to say "nothing to report": the same as an empty cell.
NOTHING = {
    "sin reporte", "not reported", "no reportado", "n/a", "na", "n/d", "nd", "-", "--",
    "—", "–", "no aplica", "not applicable", "sin informacion", "no information",
}  # fmt: skip


# The first words of a row that totals or averages the commitments above it ("Total",
# "Total de compromisos", "Promedio general", "Average"): such a row is not a commitment.
TOTALS = {
    "total", "totales", "subtotal", "subtotales", "totals", "promedio", "promedios",
    "average", "mean", "suma", "sum",
}  # fmt: skip
TOTALS_WORDS = 5  # a longer cell is a sentence (a commitment's text), not a label


def is_totals_label(value) -> bool:
    """Whether a cell labels a row of totals: "TOTAL", "Total de compromisos", "Promedio"."""
    if not isinstance(value, str):
        return False
    words = re.sub(r"[^a-z0-9]+", " ", normalise(value)).split()
    return 0 < len(words) <= TOTALS_WORDS and words[0] in TOTALS


def status_choice_label(value: int, language: str) -> str:
    """How the template's drop-down writes a level: "3 - Being implemented (60%)"."""
    from django.utils import translation

    with translation.override(language):
        return f"{value} - {Status(value).label}"


class StatusUnreadable(ValueError):
    """A status cell that is not a level: ``code`` names why (a message code)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


_PERCENT = re.compile(r"^(\d{1,3})(?:[.,]0+)?\s*%$")
_PERCENT_ANY = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
# "Nivel 3", "Level: 4 (80%)": the word before a level says nothing more
_LEVEL_WORD = re.compile(r"^(?:nivel|level|estado|status)\s*[:.\-]?\s*(?=\d)")
# "3 de 5", "3 of 5", "3/5": the level out of the scale's top, the level again
_OUT_OF_FIVE = re.compile(r"^\s*(?:de|of|/)\s*5\b")
# A level written first, then words or a percentage ("3 - 60%", "4 (80%)", "2. En
# implementación"): the digit must not be the start of a longer number ("100%", "2,5").
_LEADING = re.compile(r"^([0-5])(?:[.,]0+)?(?=$|[^\d%.,]|[.,](?!\d))")
# The words of a status, without its level and percentage, and the levels they fit.
_BEING_IMPLEMENTED = ("being implemented", "en implementacion", "in progress", "en progreso")
WORD_LEVELS = {
    **{words: {level} for level, labels in LABELS.items() for words in labels if "%" not in words},
    **{words: {1, 2, 3, 4} for words in _BEING_IMPLEMENTED},
}


def _words(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text).strip()


def _consistent(level: int, rest: str) -> int:
    """``level`` when what follows it agrees (a percentage of that level, the words of that
    level, the level again in brackets, "de 5" / "of 5", or words we do not know);
    ``StatusUnreadable("status_contradicts")`` when it names another level or holds another
    number ("4 (20%)", "2 - completado", "1/2")."""
    percents = _PERCENT_ANY.findall(rest)
    rest = _OUT_OF_FIVE.sub(" ", _PERCENT_ANY.sub(" ", rest))
    numbers = re.findall(r"\d+(?:[.,/]\d+)*", rest)
    if any(number != str(level) for number in numbers):
        raise StatusUnreadable("status_contradicts")
    rest = re.sub(r"\d+", " ", rest)
    for percent in percents:
        if float(percent.replace(",", ".")) != level * 20:
            raise StatusUnreadable("status_contradicts")
    named = WORD_LEVELS.get(_words(rest))
    if named is not None and level not in named:
        raise StatusUnreadable("status_contradicts")
    return level


def _as_number(value) -> float | None:
    """The number a cell holds: a number, or a text written as one ("0,6", "3"); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = normalise(value)
        if _NUMBER.match(text):
            return float(text.replace(",", "."))
    return None


def holds_fractions(values) -> bool:
    """Whether a status column writes percentages as fractions (0.6 or "0,6" among its cells,
    for 60%): there a 1 may be level 1 or 100%, which ``parse_status`` leaves to the person."""
    return any(0 < number < 1 for number in map(_as_number, values) if number is not None)


# A status header that names a percentage ("% de avance", "Porcentaje de avance", "Avance (%)")
_PERCENT_HEADER = re.compile(r"%|\bporcentaje|\bpercent|\bpct\b")


def holds_whole_percents(header, values) -> bool:
    """Whether a status column writes percentages as whole numbers ("% de avance": 60 for
    60%): its header names a percentage and a number in it is over 5. There a number from 1
    to 5 may be a level or a percentage, which ``parse_status`` leaves to the person."""
    if not _PERCENT_HEADER.search(normalise(header)):
        return False
    return any(5 < number <= 100 for number in map(_as_number, values) if number is not None)


def parse_status(value, fractions: bool = False, whole_percents: bool = False) -> int | None:
    """A status from a cell: 3, 3.0, "3", "3 - 60%", "4 (80%)", "60%", 0.6 or "0,6" (a
    percentage as a fraction), "completado", or the template's label in English or Spanish
    ("3 - Being implemented (60%)"). None for an empty cell (or "not reported").

    Raises StatusUnreadable with a code for anything else: dates, out-of-range numbers, and a
    value that contradicts itself ("4 (20%)", "2 - completado", "1/2": ``status_contradicts``),
    which is for the person to settle, never guessed; so is a 1 in a column of fractions
    (``fractions``, ``holds_fractions``): level 1, or 100%? (``status_one_or_all``). In a
    column of whole percentages (``whole_percents``, ``holds_whole_percents``) 60 is 60%, and
    1 to 5 are for the person to settle (``status_level_or_percent``).
    """
    if value is None:
        return None
    if fractions and _as_number(value) == 1:
        raise StatusUnreadable("status_one_or_all")
    if whole_percents and (number := _as_number(value)) is not None:
        if 1 <= number <= 5:
            raise StatusUnreadable("status_level_or_percent")
        return parse_status(f"{number:g}%")
    if type(value) is int and 0 <= value <= 5:  # the common cell, as the rules below read it
        return value
    if isinstance(value, bool):
        raise StatusUnreadable("status_unknown")
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise StatusUnreadable("status_date")
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 0 <= number <= 5:
            return int(number)
        if 0 < number < 1 and abs(number * 5 - round(number * 5)) < 1e-9:
            return round(number * 5)  # 0.6: a percentage stored as a fraction
        raise StatusUnreadable("status_out_of_range")
    text = _LEVEL_WORD.sub("", normalise(value))
    if not text or text in NOTHING:
        return None
    if _NUMBER.match(text):  # a number written as text ("3", "3,0", "0,6" in a CSV): as one
        return parse_status(float(text.replace(",", ".")))
    match = _PERCENT.match(text)
    if match:
        percent = int(match.group(1))
        if percent % 20 == 0 and percent <= 100:
            return percent // 20
        raise StatusUnreadable("status_percent")
    match = _LEADING.match(text)
    if match:
        return _consistent(int(match.group(1)), text[match.end() :])
    percents = {float(p.replace(",", ".")) for p in _PERCENT_ANY.findall(text)}
    if len(percents) > 1:
        raise StatusUnreadable("status_contradicts")
    if percents:  # "En implementación (80%)", "completado (100%)"
        percent = percents.pop()
        if percent % 20 or percent > 100:
            raise StatusUnreadable("status_percent")
        return _consistent(int(percent) // 20, text)
    named = WORD_LEVELS.get(_words(text))
    if named is not None and len(named) == 1:
        return next(iter(named))
    raise StatusUnreadable("status_unknown")


# --------------------------------------------------------------------------------------------
# Whole numbers (the version cells)

MAX_WHOLE = 2**63 - 1  # the largest id a database row may have


def whole_number(value, maximum: int = MAX_WHOLE) -> int:
    """A whole number written in a cell (7, 7.0, "7", " 7 "), from 0 to ``maximum``: a value the
    database can compare with its ids. ValueError for anything else (7.5, -1, "7a", 10^20)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # also NaN; an infinity raises OverflowError below
            raise ValueError(value)
        number = int(value)
    else:
        text = str(value).strip()
        if len(text) > 40:
            raise ValueError(value)
        try:
            number = int(text)
        except ValueError:
            decimal = float(text.replace(",", "."))
            if not decimal.is_integer():
                raise ValueError(value) from None
            number = int(decimal)
    if not 0 <= number <= maximum:
        raise ValueError(value)
    return number


# --------------------------------------------------------------------------------------------
# A header on two rows, tied by merged cells

HEADER_ROWS_SEARCHED = 20  # the first rows with data where a two-row header is looked for


def _merge_bounds(ref: str) -> tuple[int, int, int, int] | None:
    from openpyxl.utils.cell import range_boundaries

    try:
        return range_boundaries(ref)  # (min column, min row, max column, max row)
    except (ValueError, TypeError):
        return None


def fold_header(sheet):
    """A sheet whose header is written on two rows, as people make them: a group cell
    ("Estado") merged across its sub-headers ("Porcentaje de avance", "Fecha") on the row
    below, and cells ("Código", "Compromiso") merged down over both rows. The two rows become
    one header at the lower row's number: each column named by its sub-header, or by the cell
    above where there is none. Only when merged cells tie the two rows and together they name
    a status beside a code or text, and only above a row that is a header with a code on its
    own (below it, two data rows tied by a merged code cell are data, never a header); merged
    cells in data rows are still reported by the importer. The sheet is returned as it is
    otherwise (a copy with the rows replaced if folded)."""
    import copy

    merges = [b for b in (_merge_bounds(ref) for ref in sheet.merged) if b]
    if not merges:
        return sheet
    rows = sheet.rows[:HEADER_ROWS_SEARCHED]
    for index in range(len(rows) - 1):
        values = _tied_values(rows[index], rows[index + 1], merges)
        if values is not None and is_header(map_columns(values)):
            folded = copy.copy(sheet)
            header = copy.copy(rows[index + 1])
            header.values = values
            folded.rows = [*sheet.rows[:index], header, *sheet.rows[index + 2 :]]
            return folded
        alone = map_columns(rows[index].values)
        if is_header(alone) and "code" in alone:
            return sheet  # a header on one row: the rows below it are data, merged or not
    return sheet


def _tied_values(top, below, merges) -> list | None:
    """The two rows as one (each column's lower cell, else the upper one) when merged cells
    tie them (a cell merged down over both, or a group cell over cells below); else None."""
    if below.number != top.number + 1 or sum(v is not None for v in top.values) < 2:
        return None  # a title alone on its row, merged across, is a title
    tied = False
    for min_col, min_row, max_col, max_row in merges:
        if min_row == top.number and max_row == below.number:
            tied = True  # a cell merged down over both rows
        elif min_row == max_row == top.number and max_col > min_col:
            tied = tied or any(  # a group cell over sub-headers
                c - 1 < len(below.values) and below.values[c - 1] is not None
                for c in range(min_col, max_col + 1)
            )
    if not tied:
        return None
    width = max(len(top.values), len(below.values))
    return [
        (below.values[i] if i < len(below.values) else None)
        if i < len(below.values) and below.values[i] is not None
        else (top.values[i] if i < len(top.values) else None)
        for i in range(width)
    ]
