"""The figures of the plans before 2021 (issue 22): the 2017-2018 monitoring, each figure with
the sentence of the source that states it, exactly as printed."""

import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation

from commitments.history import earlier_plan_figures


def words(text: str) -> str:
    return " ".join(re.sub(r"\s+", " ", text).split())


def test_the_figures_and_their_sentences():
    figures = earlier_plan_figures()
    assert figures.label == "2017-2018" and figures.commitments == 180
    assert figures.region.progress == Decimal(41)
    assert [(p.pillar, p.progress) for p in figures.pillars] == [
        (1, Decimal(44)),
        (2, Decimal(39)),
        (3, Decimal(45)),
        (4, Decimal(36)),
    ]
    source = words((Path(settings.BASE_DIR) / "fixtures" / figures.source).read_text())
    for sentence in [figures.commitments_sentence, figures.region.sentence] + [
        p.sentence for p in figures.pillars
    ]:
        assert words(sentence) in source
    for figure in [figures.region, *figures.pillars]:
        assert f"{figure.progress}%" in figure.sentence


def test_a_trend_row_is_marked_as_earlier_plans_in_both_languages():
    figures = earlier_plan_figures()
    row = figures.region.as_trend_row(figures)
    assert row["earlier_plans"] and not row["comparable"] and row["progress"] == 41.0
    assert row["commitments"] == 180 and row["coverage"] is None
    assert figures.pillar(3).as_trend_row(figures)["progress"] == 45.0
    with translation.override("es"):
        assert "no comparables" in figures.note
    with translation.override("en"):
        assert "not comparable" in figures.note
