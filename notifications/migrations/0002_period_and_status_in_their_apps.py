"""The period and the status update a notification names now live in ``periods`` and
``statuses`` (the same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('periods', '0001_moved_from_commitments'),
        ('statuses', '0001_moved_from_commitments'),
    ]

    operations = [
        # the foreign keys' targets moved apps, not tables: nothing changes in the database
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notification',
                    name='period',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='periods.reportingperiod', verbose_name='period'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='status_update',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='statuses.statusupdate', verbose_name='status update'),
                ),
            ],
        ),
    ]
