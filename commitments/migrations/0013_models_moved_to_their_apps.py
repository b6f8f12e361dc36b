"""ReportingPeriod, StatusUpdate, ChangeEvent and SpreadsheetUpload now live in ``periods``,
``statuses``, ``audit`` and ``spreadsheets``: their state leaves ``commitments``, their tables
and rows stay where they are (each of those apps' 0001 migration took the state over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0012_admin_spanish_field_names"),
        ("audit", "0001_moved_from_commitments"),
        ("spreadsheets", "0001_moved_from_commitments"),
        ("statuses", "0001_moved_from_commitments"),
        ("periods", "0001_moved_from_commitments"),
        ("notifications", "0002_period_and_status_in_their_apps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ChangeEvent"),
                migrations.DeleteModel(name="SpreadsheetUpload"),
                migrations.DeleteModel(name="StatusUpdate"),
                migrations.DeleteModel(name="ReportingPeriod"),
            ],
        ),
    ]
