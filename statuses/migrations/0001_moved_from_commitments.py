"""statusupdate: from ``commitments`` to ``statuses``, its rows and table kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="commitments", model="statusupdate"
    ).update(app_label="statuses")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="statuses", model="statusupdate"
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
                    name="StatusUpdate",
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
                            "status",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Not started"),
                                    (1, "Started and being implemented"),
                                    (2, "Being implemented (40%)"),
                                    (3, "Being implemented (60%)"),
                                    (4, "Being implemented (80%)"),
                                    (5, "Completed"),
                                ],
                                verbose_name="status",
                            ),
                        ),
                        (
                            "narrative",
                            models.TextField(blank=True, max_length=5000, verbose_name="narrative"),
                        ),
                        (
                            "evidence_url",
                            models.URLField(
                                blank=True, max_length=500, verbose_name="evidence link"
                            ),
                        ),
                        (
                            "evidence_file",
                            models.FileField(
                                blank=True,
                                upload_to="evidence/%Y/%m/",
                                verbose_name="evidence file",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="recorded at"
                            ),
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
                                max_length=12,
                                verbose_name="source",
                            ),
                        ),
                        (
                            "status_before",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                choices=[
                                    (0, "Not started"),
                                    (1, "Started and being implemented"),
                                    (2, "Being implemented (40%)"),
                                    (3, "Being implemented (60%)"),
                                    (4, "Being implemented (80%)"),
                                    (5, "Completed"),
                                ],
                                null=True,
                                verbose_name="status before",
                            ),
                        ),
                        (
                            "review_state",
                            models.CharField(
                                choices=[
                                    ("submitted", "Submitted, awaiting review"),
                                    ("approved", "Approved"),
                                    ("returned", "Returned"),
                                    ("superseded", "Superseded"),
                                ],
                                db_index=True,
                                default="approved",
                                max_length=12,
                                verbose_name="review state",
                            ),
                        ),
                        (
                            "reviewed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="reviewed at"),
                        ),
                        (
                            "review_comment",
                            models.TextField(
                                blank=True, max_length=2000, verbose_name="review comment"
                            ),
                        ),
                        ("late", models.BooleanField(default=False, verbose_name="late")),
                        (
                            "commitment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="updates",
                                to="commitments.commitment",
                                verbose_name="commitment",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="status_updates",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                        (
                            "period",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="updates",
                                to="periods.reportingperiod",
                                verbose_name="period",
                            ),
                        ),
                        (
                            "previous",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="statuses.statusupdate",
                                verbose_name="replaces",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="reviewed by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "status update",
                        "verbose_name_plural": "status updates",
                        "db_table": "commitments_statusupdate",
                        "ordering": ["commitment", "period__end_date", "created_at", "id"],
                        "permissions": [("review_statusupdate", "Can review submitted statuses")],
                        "indexes": [
                            models.Index(
                                fields=["commitment", "period"],
                                name="commitments_commitm_b11ee6_idx",
                            ),
                            models.Index(
                                condition=models.Q(("review_state", "approved")),
                                fields=["commitment", "period", "-created_at", "-id", "status"],
                                name="status_update_approved_newest",
                            ),
                            models.Index(
                                condition=models.Q(("source", "demo")),
                                fields=["id"],
                                name="status_update_demo_rows",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("status__gte", 0), ("status__lte", 5)),
                                name="status_update_status_0_to_5",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("source__in", ["web", "spreadsheet", "api", "admin", "demo"])
                                ),
                                name="status_update_known_source",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "review_state__in",
                                        ["submitted", "approved", "returned", "superseded"],
                                    )
                                ),
                                name="status_update_known_review_state",
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
