"""The status rows' locks: step 3 of the one lock order."""

from __future__ import annotations

from collections.abc import Iterable

from statuses.models import StatusUpdate


def lock_updates(ids: Iterable[int]) -> list[StatusUpdate]:
    """Step 3: status updates, in ascending id (a review)."""
    return list(
        StatusUpdate.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=set(ids))
        .order_by("pk")
    )
