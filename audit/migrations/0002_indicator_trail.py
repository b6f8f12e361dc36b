"""Room in the one audit trail for the indicators' own trail: the indicator value and the
indicator an event is about (``audit.0003`` then copies the rows)."""

import django.db.models.deletion
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_moved_from_commitments'),
        ('indicators', '0001_catalogue_values_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='changeevent',
            name='indicator',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='indicators.indicator', verbose_name='indicator'),
        ),
        migrations.AddField(
            model_name='changeevent',
            name='indicator_value',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='indicators.indicatorvalue', verbose_name='indicator value'),
        ),
        migrations.AlterField(
            model_name='changeevent',
            name='action',
            field=models.CharField(choices=[('recorded', 'Status recorded'), ('submitted', 'Status submitted for review'), ('approved', 'Submission approved'), ('returned', 'Submission returned'), ('superseded', 'Submission superseded'), ('period_opened', 'Period opened'), ('period_locked', 'Period locked'), ('period_unlocked', 'Period unlocked'), ('period_edited', 'Period dates changed'), ('pillar_edited', 'Pillar edited'), ('commitment_edited', 'Commitment edited'), ('period_deadlines', 'Period deadlines set'), ('plan_edited', "Plan's Spanish text edited"), ('indicator_linked', 'Indicator linked to a commitment'), ('indicator_unlinked', 'Indicator unlinked from a commitment')], max_length=20, verbose_name='action'),
        ),
    ]
