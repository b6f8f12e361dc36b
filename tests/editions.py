"""A second edition for a test: Belize's 2024-2026 plan (the sample sheet of
tests/commitments/fixtures), in force from 1 January 2024 over the 2021 plans, loaded through
``apply_edition`` as ``manage.py load_plan_edition`` does. BLZ-PRO-01 is continued by
BLZ24-PRO-01; BLZ-PRO-03 and BLZ-JOB-03 close with the 2021 plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from commitments.editions import apply_edition
from countries.models import Country
from spreadsheets.edition_sheet import read_edition_sheet

SHEET = Path(__file__).parent / "commitments" / "fixtures" / "blz_2024_edition.csv"
STARTS = dt.date(2024, 1, 1)


def load_belize_2024():
    """Apply Belize's 2024-2026 edition (the 2021 plans must be loaded); its plan."""
    plan, _preview = apply_edition(
        country=Country.objects.get(iso3="BLZ"),
        edition="2024-2026",
        starts_on=STARTS,
        rows=read_edition_sheet(SHEET.read_bytes()),
        user=None,
        title_en="Belize national plan 2024-2026",
        from_server=True,
    )
    return plan
