# The units of the further figures of the 2024 annual report (issue 22).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_trail_moved_to_audit'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='indicator',
            name='indicator_known_unit',
        ),
        migrations.AlterField(
            model_name='indicator',
            name='unit',
            field=models.CharField(choices=[('persons', 'persons'), ('applications', 'applications'), ('permits', 'permits'), ('cases', 'cases'), ('documents', 'documents'), ('interviews', 'interviews'), ('interviews_per_week', 'interviews per week'), ('months', 'months'), ('percent', 'percent'), ('sessions', 'sessions'), ('events', 'events'), ('services', 'services'), ('items', 'items'), ('facilities', 'facilities'), ('vacancies', 'vacancies'), ('organisations', 'organisations'), ('agreements', 'agreements'), ('local_governments', 'local governments'), ('cities', 'cities'), ('states', 'states'), ('bodies', 'coordination bodies')], max_length=20, verbose_name='unit'),
        ),
        migrations.AddConstraint(
            model_name='indicator',
            constraint=models.CheckConstraint(condition=models.Q(('unit__in', ['persons', 'applications', 'permits', 'cases', 'documents', 'interviews', 'interviews_per_week', 'months', 'percent', 'sessions', 'events', 'services', 'items', 'facilities', 'vacancies', 'organisations', 'agreements', 'local_governments', 'cities', 'states', 'bodies'])), name='indicator_known_unit'),
        ),
    ]
