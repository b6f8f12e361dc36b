"""The release's commitments table gives each commitment's responsible institution where the
catalogue knows it (issue 22's field), and an empty value, never a made-up one, where not."""

from periods.models import ReportingPeriod
from releases.tables import data_tables


def test_commitments_carry_their_responsible_institution(world):
    first = world["commitments"][0]
    first.responsible_institution = "Instituto Guatemalteco de Migración"
    first.save(update_fields=["responsible_institution"])
    rows = data_tables(ReportingPeriod.objects.get(code="2024"))["commitments"]
    by_code = {row["code"]: row for row in rows}
    assert by_code[first.code]["responsible_institution"] == "Instituto Guatemalteco de Migración"
    others = [row for code, row in by_code.items() if code != first.code]
    assert others and all(row["responsible_institution"] is None for row in others)
