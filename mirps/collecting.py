"""Python's cycle collector paused for one bulk operation (a 10,000-row upload)."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def cycles_collected_after():
    """Run the block with the cyclic garbage collector paused; it runs again after.

    A 10,000-row upload makes a few hundred thousand objects that live until it ends (the rows
    read, matched and judged, the preview); on the way the collector makes two or three full
    passes, each over all of them and every object of the process: a tenth to a fifth of the
    upload's time (docs/benchmarks.md, issue 21). Objects are still freed as their last
    reference goes (reference counting); only reference cycles wait for the end of the block.
    Nested and concurrent blocks are counted: the collector runs again when the last one ends,
    if it was running when the first began."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
