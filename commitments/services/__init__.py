"""Writes to commitments and statuses, one module per topic. Every route (web, spreadsheet,
API, admin, commands) calls these functions, so each rule is enforced in one place.

* ``statuses``: record statuses (``record_many``/``record_status``), with the rules and the
  optimistic-concurrency check (``check_changes``);
* ``review``: approve or return submissions;
* ``periods``: open reporting periods, set their deadlines, lock, unlock and move them;
* ``plans``: load the national plans from ``fixtures/``; edit a pillar or a commitment's
  classification;
* ``demo``: synthetic demo statuses;
* ``audit``: the ``ChangeEvent`` helper they all use;
* ``locking``: the row locks, and the one order in which every write and review takes them.

Lock order (``locking``), the same in every write path so no two can deadlock: the period row
(shared by status writes and reviews, exclusive for a change of the period itself), then the
commitment rows in ascending id, then status update rows in ascending id. A write checks the
period's lock flag only after holding its row, so nothing lands after a period is locked.
"""

from .demo import DEMO_PERIODS, demo_data_present, seed_demo
from .periods import (
    PERIOD_CODE,
    check_deadlines,
    edit_period,
    open_period,
    period_edit_problems,
    set_period_deadlines,
    set_period_locked,
)
from .plans import (
    COMMITMENT_FIELDS,
    FIXTURES_DIR,
    PILLAR_FIELDS,
    PLAN_TRANSLATION_FIELDS,
    LoadResult,
    edit_commitment,
    edit_pillar,
    edit_plan_translation,
    load_plans,
)
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
    "COMMITMENT_FIELDS",
    "PILLAR_FIELDS",
    "PLAN_TRANSLATION_FIELDS",
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
    "edit_commitment",
    "edit_period",
    "edit_pillar",
    "edit_plan_translation",
    "load_plans",
    "open_period",
    "period_edit_problems",
    "record_many",
    "record_status",
    "review",
    "seed_demo",
    "set_period_deadlines",
    "set_period_locked",
]
