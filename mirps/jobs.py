"""Background jobs: Huey's queue (``settings.HUEY``), and the embedded worker of development.

Production queues jobs in Redis and runs ``manage.py run_huey`` beside gunicorn. ``make run``
needs no service: the queue is a SQLite file and the web process itself runs Huey's own
consumer as threads (``Huey.create_consumer(worker_type="thread")``), started the first time
a job is queued or looked at (``ensure_worker``), so a job left queued by a stopped server runs
when the next one starts. Tests run each job at once in the caller (``JOBS_IMMEDIATE``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_consumer = None


def queue():
    """The project's Huey instance (djhuey builds it from ``settings.HUEY``)."""
    from huey.contrib.djhuey import HUEY

    return HUEY


def ensure_worker() -> bool:
    """Start the embedded consumer in this process if settings ask for one and none runs.
    True when jobs will run (a consumer here or elsewhere, or immediate mode)."""
    global _consumer
    huey = queue()
    if huey.immediate or not settings.JOBS_EMBEDDED_WORKER:
        return True
    with _lock:
        if _consumer is None:
            options = dict(settings.HUEY.get("consumer", {}))
            options.update(worker_type="thread", periodic=False, check_worker_health=False)
            # A short poll: the queue is local and idle cost stays nil (docs/benchmarks.md).
            options.setdefault("max_delay", 1.0)
            _consumer = huey.create_consumer(**options)
            _consumer._set_signal_handlers = lambda: None  # not the main thread: leave signals
            _consumer.start()
            # A command that queued jobs (seed_demo locking periods) waits for them to finish
            # before it exits, rather than leaving one half done.
            atexit.register(drain)
            logger.info("embedded job worker started (%s)", type(huey).__name__)
    return True


def worker_running() -> bool:
    """Whether this process runs the embedded worker."""
    return _consumer is not None


def drain(timeout: float = 900) -> None:
    """Wait until the queue is empty and no job runs (at most ``timeout`` seconds), then stop
    the embedded worker."""
    huey = queue()
    deadline = time.monotonic() + timeout
    idle = 0  # seen idle twice in a row: no job between its dequeuing and its start
    while time.monotonic() < deadline and _consumer is not None and idle < 2:
        idle = idle + 1 if len(huey) == 0 and not huey._tasks_in_flight else 0
        time.sleep(0.2)
    stop_worker()


def stop_worker() -> None:
    """Stop the embedded consumer (tests that start one)."""
    global _consumer
    with _lock:
        if _consumer is not None:
            _consumer.stop(graceful=True)
            for _worker, process in _consumer.worker_threads:
                process.join(timeout=10)
            _consumer = None
