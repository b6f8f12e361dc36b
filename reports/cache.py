"""Cached figures for the public pages, invalidated whenever a public figure may have changed.

Every entry's key carries a *figures version*, a random token kept in the cache itself. The
receiver of ``commitments.signals.figures_changed`` (connected in ``ReportsConfig.ready``) gives
the version a new value, so every entry computed before the change is out of reach at once
(and expires on its own later). A missing version (first use, or evicted) gets a fresh random
value too, never a counter restarted at 1, so an old entry can never come back.

The version lives in the shared cache (a directory on the host in production, or Redis with
``CACHE_URL``), so a change made by one worker is seen by all at once; development and tests use
one process's local memory.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "reports:figures-version"
T = TypeVar("T")
_MISSING = object()


def figures_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def invalidate(**_kwargs) -> None:
    """Make every cached figure stale (the ``figures_changed`` receiver)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name: str, parts: tuple | list, compute: Callable[[], T]) -> T:
    """``compute()``'s value, from the cache when the figures have not changed since."""
    raw = "|".join(str(p) for p in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    key = f"reports:{figures_version()}:{name}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value)
    return value
