"""Indicator rows' locks, in the one lock order of every write and review
(``review.workflow``): step 2, the indicators (the subjects of the values), then step 3, the
values themselves; each in ascending id. SQLite serialises writers itself: plain reads there."""

from __future__ import annotations

from collections.abc import Iterable

from indicators.models import Indicator, IndicatorValue


def lock_indicators(ids: Iterable[int]) -> dict[int, Indicator]:
    """Step 2: the indicators, in ascending id."""
    rows = Indicator.objects.select_for_update(of=("self",)).filter(pk__in=set(ids)).order_by("pk")
    return {indicator.pk: indicator for indicator in rows}


def lock_values(ids: Iterable[int]) -> list[IndicatorValue]:
    """Step 3: indicator values, in ascending id."""
    return list(
        IndicatorValue.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=set(ids))
        .order_by("pk")
    )
