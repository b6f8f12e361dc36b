"""Writes to commitments and statuses, one module per topic. Every route (web, spreadsheet,
API, admin, commands) calls these functions, so each rule is enforced in one place.

* ``statuses``: record statuses (``record_many``/``record_status``), with the rules and the
  optimistic-concurrency check (``check_changes``);
* ``review``: approve or return submissions;
* ``periods``: open reporting periods, set their deadlines, lock and unlock them;
* ``plans``: load the national plans from ``fixtures/``;
* ``demo``: synthetic demo statuses;
* ``audit``: the ``ChangeEvent`` helper they all use.
"""

from .demo import DEMO_PERIODS, demo_data_present, seed_demo
from .periods import (
    PERIOD_CODE,
    check_deadlines,
    open_period,
    set_period_deadlines,
    set_period_locked,
)
from .plans import FIXTURES_DIR, LoadResult, load_plans
from .review import review
from .statuses import (
    ChangesRefused,
    Conflict,
    PeriodLocked,
    StatusChange,
    check_changes,
    current_version,
    record_many,
    record_status,
)

__all__ = [
    "DEMO_PERIODS",
    "FIXTURES_DIR",
    "PERIOD_CODE",
    "ChangesRefused",
    "Conflict",
    "LoadResult",
    "PeriodLocked",
    "StatusChange",
    "check_changes",
    "check_deadlines",
    "current_version",
    "demo_data_present",
    "load_plans",
    "open_period",
    "record_many",
    "record_status",
    "review",
    "seed_demo",
    "set_period_deadlines",
    "set_period_locked",
]
