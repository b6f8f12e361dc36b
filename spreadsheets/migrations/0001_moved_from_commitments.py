"""spreadsheetupload: from ``commitments`` to ``spreadsheets``, its rows and table kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="commitments", model="spreadsheetupload"
    ).update(app_label="spreadsheets")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="spreadsheets", model="spreadsheetupload"
    ).update(app_label="commitments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("commitments", "0012_admin_spanish_field_names"),
        ("periods", "0001_moved_from_commitments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The table is the one the model had in ``commitments`` (db_table): nothing is created
        # in the database, the model's state moves here and its content type (so its
        # permissions and admin history) follows it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SpreadsheetUpload",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="uploaded at"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to="uploads/%Y/%m/", verbose_name="file"
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(max_length=255, verbose_name="file name"),
                        ),
                        (
                            "size",
                            models.PositiveIntegerField(default=0, verbose_name="size in bytes"),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("web", "Web"),
                                    ("spreadsheet", "Spreadsheet"),
                                    ("api", "API"),
                                    ("admin", "Admin"),
                                    ("demo", "Demo (synthetic)"),
                                ],
                                default="spreadsheet",
                                max_length=12,
                                verbose_name="route",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("previewed", "Previewed, not applied"),
                                    ("applied", "Applied"),
                                    ("cancelled", "Cancelled"),
                                    ("rejected", "Rejected: not a readable spreadsheet"),
                                    ("failed", "Failed: nothing was written"),
                                ],
                                max_length=10,
                                verbose_name="state",
                            ),
                        ),
                        (
                            "preview",
                            models.JSONField(blank=True, default=dict, verbose_name="preview"),
                        ),
                        (
                            "columns",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="The person's corrections of which column is which, per sheet.",
                                verbose_name="columns chosen",
                            ),
                        ),
                        ("changed", models.PositiveIntegerField(default=0, verbose_name="changes")),
                        (
                            "unchanged",
                            models.PositiveIntegerField(default=0, verbose_name="unchanged"),
                        ),
                        (
                            "problems",
                            models.PositiveIntegerField(default=0, verbose_name="problems"),
                        ),
                        ("applied", models.PositiveIntegerField(default=0, verbose_name="applied")),
                        (
                            "indicators_applied",
                            models.PositiveIntegerField(
                                default=0, verbose_name="indicator values applied"
                            ),
                        ),
                        (
                            "mode",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("all", "All rows"),
                                    ("valid_rows", "Valid rows only, listed rows skipped"),
                                ],
                                max_length=10,
                                verbose_name="applied as",
                            ),
                        ),
                        (
                            "skipped",
                            models.PositiveIntegerField(default=0, verbose_name="rows skipped"),
                        ),
                        ("outcome", models.TextField(blank=True, verbose_name="outcome")),
                        (
                            "outcome_code",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="outcome code"
                            ),
                        ),
                        (
                            "outcome_params",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="outcome parameters"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                        ),
                        (
                            "period",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="periods.reportingperiod",
                                verbose_name="period",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "spreadsheet upload",
                        "verbose_name_plural": "spreadsheet uploads",
                        "db_table": "commitments_spreadsheetupload",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "state__in",
                                        ["previewed", "applied", "cancelled", "rejected", "failed"],
                                    )
                                ),
                                name="upload_known_state",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("mode__in", ["", "all", "valid_rows"])),
                                name="upload_known_mode",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_content_type, move_content_type_back),
            ],
        ),
    ]
