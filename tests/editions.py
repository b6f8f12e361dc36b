"""Plan editions for tests (issue 22), set up in one place.

* ``load_belize_2024``: Belize's 2024-2026 plan (the sample sheet of tests/commitments/fixtures),
  in force from 1 January 2024 over the 2021 plans, loaded through ``apply_edition`` as
  ``manage.py load_plan_edition`` does. BLZ-PRO-01 is continued by BLZ24-PRO-01; BLZ-PRO-04 is
  split into BLZ24-PRO-03 and -04; BLZ-PRO-05 and -06 merge into BLZ24-PRO-05; BLZ24-PRO-06
  is new; BLZ-PRO-03 and BLZ-JOB-03 close with the 2021 plan.
* ``apply_rows``: an edition of rows written in the test (``EditionRow``), through the same
  service.
* ``new_edition`` and ``edition_commitment``: an edition and its commitments written directly
  (no service: for the tests of the catalogue's querysets and of the status rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from commitments.editions import EditionRow, apply_edition
from commitments.models import Commitment, CommitmentLink, FocusArea, NationalPlan, Pillar
from countries.models import Country
from spreadsheets.edition_sheet import read_edition_sheet

SHEET = Path(__file__).parent / "commitments" / "fixtures" / "blz_2024_edition.csv"
STARTS = dt.date(2024, 1, 1)


def load_belize_2024(user=None):
    """Apply Belize's 2024-2026 edition (the 2021 plans must be loaded), by ``user`` (None:
    from the server); its plan."""
    plan, _preview = apply_edition(
        country=Country.objects.get(iso3="BLZ"),
        edition="2024-2026",
        starts_on=STARTS,
        rows=read_edition_sheet(SHEET.read_bytes()),
        user=user,
        title_en="Belize national plan 2024-2026",
        from_server=user is None,
    )
    return plan


def apply_rows(iso3: str, edition: str, rows: list[EditionRow], *, starts_on=STARTS, user=None,
               **options):  # fmt: skip
    """Apply the edition ``edition`` of the country ``iso3`` made of ``rows`` (``EditionRow``),
    in force from ``starts_on``, through ``apply_edition`` (``options``: its other keywords,
    e.g. ``original_language``); the plan and the preview."""
    return apply_edition(
        country=Country.objects.get(iso3=iso3),
        edition=edition,
        starts_on=starts_on,
        rows=rows,
        user=user,
        from_server=user is None,
        **options,
    )


def new_edition(country, name: str, starts_on: dt.date) -> NationalPlan:
    """A later edition of ``country``'s plan, written directly, with no commitment yet."""
    return NationalPlan.objects.create(
        country=country, edition=name, starts_on=starts_on, title_en=f"Plan {name}"
    )


def edition_commitment(plan: NationalPlan, code: str, predecessors=(), *, order: int = 1,
                       text: str = "", **fields) -> Commitment:  # fmt: skip
    """A commitment of ``plan`` (focus area PRO and pillar 1 unless ``fields`` say otherwise)
    that continues ``predecessors`` (one: continued; several: merged; one named by several:
    split), written directly with its links."""
    fields.setdefault("focus_area", FocusArea.objects.get(code="PRO"))
    fields.setdefault("pillar", Pillar.objects.get(number=1))
    made = Commitment.objects.create(
        code=code,
        plan=plan,
        country=plan.country,
        text=text or f"Commitment {code}",
        order=order,
        **fields,
    )
    for predecessor in predecessors:
        CommitmentLink.objects.create(predecessor=predecessor, successor=made)
    return made
