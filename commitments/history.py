"""The figures of the plans before 2021, as published (issue 22): the 2017-2018 monitoring of
the MIRPS national chapters (Regional Annual Report 2017-2018, ``fixtures/sources/004_…txt``):
180 commitments on the same 0-5 traffic-light scale, a regional average of 41 % and pillar
averages of 44, 39, 45 and 36 %, each with the sentence that states it.

They are aggregates only (no commitment of those plans is in the catalogue), so they are
**figures of earlier plans, not comparable commitment by commitment**: the reports show them
at the start of the regional and pillar trends, marked as such, never mixed into a period's
figures. Read from ``fixtures/history_2017_2018.json`` (a published source that never
changes: no table, nothing to edit); ``earlier_plan_figures`` is what the reports app reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

from mirps.i18n import active_language

HISTORY_FILE = Path(settings.BASE_DIR) / "fixtures" / "history_2017_2018.json"


@dataclass(frozen=True)
class EarlierFigure:
    """One published average: the region's (``pillar`` None) or a pillar's, in percent."""

    pillar: int | None
    progress: Decimal
    sentence: str  # the source's own sentence, as printed (in English)

    def as_trend_row(self, figures: EarlierFigures) -> dict:
        """A row to put before a trend's periods: marked ``earlier_plans``, with no coverage
        or counts (the source gives none) and its source sentence."""
        return {
            "period": figures.label,
            "kind": "earlier_plans",
            "earlier_plans": True,
            "comparable": False,
            "progress": float(self.progress),
            "commitments": figures.commitments if self.pillar is None else None,
            "coverage": None,
            "reported": None,
            "source": figures.source,
            "source_sentence": self.sentence,
        }


@dataclass(frozen=True)
class EarlierFigures:
    label: str  # "2017-2018"
    title_en: str
    title_es: str
    source: str  # the file under fixtures/ that holds the sentences
    note_en: str
    note_es: str
    commitments: int
    commitments_sentence: str
    region: EarlierFigure
    pillars: tuple[EarlierFigure, ...]

    @property
    def title(self) -> str:
        return self.title_es if active_language() == "es" else self.title_en

    @property
    def note(self) -> str:
        """What these figures are, in the reader's language (shown beside them)."""
        return self.note_es if active_language() == "es" else self.note_en

    def pillar(self, number: int) -> EarlierFigure | None:
        return next((p for p in self.pillars if p.pillar == number), None)


@cache
def earlier_plan_figures(path: Path = HISTORY_FILE) -> EarlierFigures:
    """The 2017-2018 figures of the earlier plans (read once per process; no query)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return EarlierFigures(
        label=data["label"],
        title_en=data["title_en"],
        title_es=data["title_es"],
        source=data["source"],
        note_en=data["note_en"],
        note_es=data["note_es"],
        commitments=data["commitments"],
        commitments_sentence=data["commitments_sentence"],
        region=EarlierFigure(None, Decimal(data["region"]["progress"]), data["region"]["sentence"]),
        pillars=tuple(
            EarlierFigure(row["pillar"], Decimal(row["progress"]), row["sentence"])
            for row in data["pillars"]
        ),
    )
