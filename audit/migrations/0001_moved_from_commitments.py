"""changeevent: from ``commitments`` to ``audit``, its rows and table kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="commitments", model="changeevent"
    ).update(app_label="audit")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="audit", model="changeevent"
    ).update(app_label="commitments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("commitments", "0012_admin_spanish_field_names"),
        ("periods", "0001_moved_from_commitments"),
        ("statuses", "0001_moved_from_commitments"),
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
                    name="ChangeEvent",
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
                            "at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="when"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("recorded", "Status recorded"),
                                    ("submitted", "Status submitted for review"),
                                    ("approved", "Status approved"),
                                    ("returned", "Status returned"),
                                    ("superseded", "Submission superseded"),
                                    ("period_opened", "Period opened"),
                                    ("period_locked", "Period locked"),
                                    ("period_unlocked", "Period unlocked"),
                                    ("period_edited", "Period dates changed"),
                                    ("pillar_edited", "Pillar edited"),
                                    ("commitment_edited", "Commitment edited"),
                                    ("period_deadlines", "Period deadlines set"),
                                    ("plan_edited", "Plan's Spanish text edited"),
                                ],
                                max_length=20,
                                verbose_name="action",
                            ),
                        ),
                        (
                            "route",
                            models.CharField(
                                choices=[
                                    ("web", "Web"),
                                    ("spreadsheet", "Spreadsheet"),
                                    ("api", "API"),
                                    ("admin", "Admin"),
                                    ("demo", "Demo (synthetic)"),
                                    ("source", "Loaded from the published source"),
                                ],
                                max_length=12,
                                verbose_name="route",
                            ),
                        ),
                        ("old_value", models.TextField(blank=True, verbose_name="old value")),
                        ("new_value", models.TextField(blank=True, verbose_name="new value")),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        (
                            "commitment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="commitments.commitment",
                                verbose_name="commitment",
                            ),
                        ),
                        (
                            "period",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="periods.reportingperiod",
                                verbose_name="period",
                            ),
                        ),
                        (
                            "pillar",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="commitments.pillar",
                                verbose_name="pillar",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="commitments.nationalplan",
                                verbose_name="plan",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "change",
                        "verbose_name_plural": "changes",
                        "db_table": "commitments_changeevent",
                        "ordering": ["-at", "-id"],
                    },
                ),
                migrations.AddField(
                    model_name="changeevent",
                    name="status_update",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="statuses.statusupdate",
                        verbose_name="status update",
                    ),
                ),
                migrations.AddField(
                    model_name="changeevent",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(move_content_type, move_content_type_back),
            ],
        ),
    ]
