"""reportingperiod: from ``commitments`` to ``periods``, its rows and table kept."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="commitments", model="reportingperiod"
    ).update(app_label="periods")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    content_types.using(schema_editor.connection.alias).filter(
        app_label="periods", model="reportingperiod"
    ).update(app_label="commitments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("commitments", "0012_admin_spanish_field_names"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The table is the one the model had in ``commitments`` (db_table): nothing is created
        # in the database, the model's state moves here and its content type (so its
        # permissions and admin history) follows it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportingPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=10, unique=True, verbose_name='code')),
                        ('kind', models.CharField(choices=[('annual', 'Annual'), ('midyear', 'Mid-year')], max_length=10, verbose_name='kind')),
                        ('start_date', models.DateField(verbose_name='start')),
                        ('end_date', models.DateField(verbose_name='end')),
                        ('locked', models.BooleanField(default=False, help_text='A locked period refuses any change.', verbose_name='locked')),
                        ('submission_deadline', models.DateField(blank=True, help_text='Last day for national teams to submit their statuses.', null=True, verbose_name='submission deadline')),
                        ('review_deadline', models.DateField(blank=True, help_text='Optional: last day for the secretariat to review the submissions.', null=True, verbose_name='review deadline')),
                    ],
                    options={
                        'verbose_name': 'reporting period',
                        'verbose_name_plural': 'reporting periods',
                        'db_table': 'commitments_reportingperiod',
                        'ordering': ['end_date', 'start_date'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='period_end_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('code__regex', '^[0-9]{4}$'), ('kind', 'annual')), models.Q(('code__regex', '^[0-9]{4}-H[12]$'), ('kind', 'midyear')), _connector='OR'), name='period_code_matches_kind'), models.CheckConstraint(condition=models.Q(('submission_deadline__isnull', True), ('submission_deadline__gte', models.F('start_date')), _connector='OR'), name='period_deadline_after_start'), models.CheckConstraint(condition=models.Q(('review_deadline__isnull', True), models.Q(('review_deadline__gte', models.F('submission_deadline')), ('submission_deadline__isnull', False)), _connector='OR'), name='period_review_after_submission_deadline')],
                        'indexes': [],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_content_type, move_content_type_back),
            ],
        ),
    ]
