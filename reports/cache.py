"""Cached figures for the public pages, invalidated whenever a public figure may have changed.

Every entry's key carries a *figures version*, a random token kept in the cache itself. The
receiver of ``mirps.signals.figures_changed`` (connected by ``reports/receivers.py``) gives
the version a new value, so every entry computed before the change is out of reach at once
(and expires on its own later). A missing version (first use, or evicted) gets a fresh random
value too, never a counter restarted at 1, so an old entry can never come back.

Every key also carries the **edition day**: the latest day on or before today on which an
edition of a national plan came into force (``edition_day``). The figures with no period count
the editions in force *today* (``reports.progress.base_date``), so the day a future-dated
edition comes into force every key changes and the figures are computed anew, with no signal
(an edition loaded in advance is counted from its first day on, not from the next change).
The start days are read when the version changes (``invalidate``: one query, in the writer's
request) and kept beside it; with a version a reader had to make (first use, or evicted) they
are not known, and the key carries today's date instead (figures kept a day at most).

The version lives in the shared cache (a directory on the host in production, or Redis with
``CACHE_URL``), so a change made by one worker is seen by all at once; development and tests use
one process's local memory.

What is cached under the version: the numbers and figures of each selection
(``dashboard.numbers``/``figures``), the rendered content of the public pages
(``views.cached_content``), the progress API's answers and the demo-data flag. Two more rules:

* **one recomputation when cold**: the first reader to miss an entry takes a lock (an atomic
  ``cache.add``) and computes it; readers arriving meanwhile wait for its value instead of
  computing the same thing again (they compute it themselves only if the lock holder fails or
  takes longer than ``LOCK_SECONDS``);
* **warm after approvals**: after the version changes, the default dashboard's figures (latest
  period, no filter, both languages) are computed again at once (``FIGURES_WARM``: ``thread``
  in production, in a background thread of the worker that saw the change; ``sync`` computes
  them before the request that changed them ends; ``off``), so the next reader finds them warm.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.utils import timezone

from commitments.models import NationalPlan
from statuses.selectors import demo_data_present

VERSION_KEY = "reports:figures-version"
# The days editions come into force, kept as (version, days) by ``invalidate``.
EDITION_DAYS_KEY = "reports:edition-days"
# The shape of what is cached: raised when a cached value changes shape (2: the engine's counts
# became ``progress.Counts`` and every figure gained ``updated``), so entries written by the
# code before a deploy are never read by the code after it (the cache outlives a deploy).
CACHE_FORMAT = 2
# The longest a reader waits for another's recomputation (and the lock's own expiry).
LOCK_SECONDS = 60
POLL_SECONDS = 0.05
T = TypeVar("T")
_MISSING = object()
log = logging.getLogger(__name__)


# Within one request the version is read once (a page reads several entries); between
# requests it is always read again, so a change made through another worker shows at once.
_request = threading.local()


def request_started(**_kwargs) -> None:
    _request.active, _request.version, _request.edition_day = True, None, None


def request_finished(**_kwargs) -> None:
    _request.active, _request.version, _request.edition_day = False, None, None


def figures_version() -> str:
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def edition_day(today: datetime.date | None = None) -> str:
    """The part of every key that changes the day an edition comes into force: the latest
    day on or before ``today`` (the local date) on which one did, from the days read with the
    current version (no query); "-" when none has; today's date when they are not known (a
    version a reader made). Read once per request."""
    day = getattr(_request, "edition_day", None)
    if day is not None and today is None:
        return day
    today = today or timezone.localdate()
    stored = cache.get(EDITION_DAYS_KEY)
    if stored is None or stored[0] != figures_version() or stored[1] is None:
        day = today.isoformat()
    else:
        started = [start for start in stored[1] if start <= today]
        day = max(started).isoformat() if started else "-"
    if getattr(_request, "active", False):
        _request.edition_day = day
    return day


def invalidate(**_kwargs) -> None:
    """Make every cached figure stale (the ``figures_changed`` receiver), then warm the
    default dashboard again (``FIGURES_WARM``). Reads the days editions come into force, for
    ``edition_day`` (one query)."""
    version = uuid.uuid4().hex
    try:
        days = sorted(set(NationalPlan.objects.values_list("starts_on", flat=True)))
    except DatabaseError:  # never a failed write for it: the keys then carry today's date
        days = None
    cache.set(VERSION_KEY, version, timeout=None)
    cache.set(EDITION_DAYS_KEY, (version, days), timeout=None)
    if getattr(_request, "active", False):
        _request.version, _request.edition_day = version, None
    mode = getattr(settings, "FIGURES_WARM", "off")
    if mode == "sync":
        warm()
    elif mode == "thread":
        # Not a daemon: a process that ends (a management command such as load_plans, a worker
        # restarting) waits for it, rather than killing it while it holds the entries' locks,
        # which would leave every reader of the next minute waiting on them (past gunicorn's
        # 30 s timeout: the dashboard answered 500 after `load_plans` in production).
        threading.Thread(target=_warm_in_thread, name="figures-warm", daemon=False).start()


# What computes the default dashboard again after a change (``dashboard.warm``), registered by
# ``ReportsConfig.ready``: the dashboard builds on this module, so this module does not import it.
_warmers: list[Callable[[], None]] = []


def register_warmer(function: Callable[[], None]) -> None:
    """Have ``warm`` call ``function`` (once, however often it is registered)."""
    if function not in _warmers:
        _warmers.append(function)


def warm() -> None:
    """Compute the default dashboard's figures (both languages) into the cache."""
    for function in _warmers:
        function()


def _warm_in_thread() -> None:
    try:
        warm()
    except Exception:  # a failed warm-up only means the next reader computes
        log.exception("warming the figures cache failed")
    finally:
        connections.close_all()


def _key(name: str, parts: tuple | list) -> str:
    raw = "|".join(str(p) for p in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"reports:{CACHE_FORMAT}:{figures_version()}:{edition_day()}:{name}:{digest}"


def cached(name: str, parts: tuple | list, compute: Callable[[], T]) -> T:
    """``compute()``'s value, from the cache when the figures have not changed since; computed
    by one reader at a time (see the module's docstring)."""
    key = _key(name, parts)
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    lock = f"{key}:lock"
    if not cache.add(lock, 1, timeout=LOCK_SECONDS):
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            value = cache.get(key, _MISSING)
            if value is not _MISSING:
                return value
            if cache.get(lock) is None:  # the holder failed: compute it here
                break
    try:
        value = compute()
        cache.set(key, value)
    finally:
        cache.delete(lock)
    return value


# Rendered pages and API answers are also kept in each worker's memory, by the same
# version-bearing key: a new figures version (read from the shared cache on every request)
# makes them unreachable at once, and serving one costs no read from the shared cache.
MEMO_ENTRIES = 256
_memo: OrderedDict[str, object] = OrderedDict()
_memo_lock = threading.Lock()


def cache_get(name: str, parts: tuple | list):
    """The entry ``cache_set`` stored under the current figures version, or None. Values are
    shared by the requests of a worker: never change one."""
    key = _key(name, parts)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = cache.get(key)
    if value is not None:
        _remember(key, value)
    return value


def cache_set(name: str, parts: tuple | list, value) -> None:
    key = _key(name, parts)
    cache.set(key, value)
    _remember(key, value)


def _remember(key: str, value) -> None:
    with _memo_lock:
        _memo[key] = value
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)


def cached_demo_flag() -> bool:
    """Whether synthetic demo statuses are loaded (the banner), cached with the figures: demo
    data is only added or removed by ``seed_demo``, which announces ``figures_changed``."""
    return cached("demo", [], demo_data_present)
