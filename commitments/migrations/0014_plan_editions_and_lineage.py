"""Plan editions and the lineage of commitments across them (issue 22).

Every existing plan is an edition: it gets the day it came into force (``starts_on``), for the
plans there are today the 2021 editions, in force from 1 January 2021 (the first day of the
first reporting period, so every period counts exactly the commitments it counted before).
An edition named otherwise starts on 1 January of the first year its name gives. Nothing is
removed: the commitment code rule is widened (``BLZ24-PRO-01``), never narrowed.
"""

import datetime
import re

import django.db.models.deletion
from django.db import migrations, models


def first_day(edition: str) -> datetime.date:
    match = re.search(r"(19|20)[0-9]{2}", edition or "")
    return datetime.date(int(match.group(0)) if match else 2021, 1, 1)


def set_starts_on(apps, schema_editor):
    NationalPlan = apps.get_model("commitments", "NationalPlan")
    taken = set()
    for plan in NationalPlan.objects.order_by("pk"):
        day = first_day(plan.edition)
        while (plan.country_id, day) in taken:  # two editions of one year: one day apart
            day += datetime.timedelta(days=1)
        taken.add((plan.country_id, day))
        plan.starts_on = day
        plan.save(update_fields=["starts_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0013_models_moved_to_their_apps'),
        ('countries', '0002_workspace'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitmentLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'commitment lineage',
                'verbose_name_plural': 'commitment lineage',
                'ordering': ['successor__code', 'predecessor__code'],
            },
        ),
        migrations.AlterModelOptions(
            name='nationalplan',
            options={'ordering': ['country__name_en', 'starts_on'], 'verbose_name': 'national plan', 'verbose_name_plural': 'national plans'},
        ),
        migrations.RemoveConstraint(
            model_name='commitment',
            name='commitment_code_format',
        ),
        migrations.AddField(
            model_name='commitment',
            name='original_language',
            field=models.CharField(choices=[('en', 'English'), ('es', 'Spanish')], default='en', max_length=2, verbose_name='language of the original text'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='responsible_institution',
            field=models.CharField(blank=True, help_text='The institution the plan names as responsible, where it names one.', max_length=300, verbose_name='responsible institution'),
        ),
        migrations.AddField(
            model_name='nationalplan',
            name='starts_on',
            field=models.DateField(help_text='The first day of this edition; it ends when the next edition starts.', null=True, verbose_name='in force from'),
        ),
        migrations.RunPython(set_starts_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='nationalplan',
            name='starts_on',
            field=models.DateField(help_text='The first day of this edition; it ends when the next edition starts.', verbose_name='in force from'),
        ),
        migrations.AddConstraint(
            model_name='nationalplan',
            constraint=models.UniqueConstraint(fields=('country', 'starts_on'), name='plan_country_starts'),
        ),
        migrations.AddField(
            model_name='commitmentlink',
            name='predecessor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='successor_links', to='commitments.commitment', verbose_name='predecessor'),
        ),
        migrations.AddField(
            model_name='commitmentlink',
            name='successor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='predecessor_links', to='commitments.commitment', verbose_name='successor'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='predecessors',
            field=models.ManyToManyField(blank=True, related_name='successors', through='commitments.CommitmentLink', through_fields=('successor', 'predecessor'), to='commitments.commitment', verbose_name='replaces'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Z]{3}[0-9]{0,4}-(PRO|JOB|SOC|EDU|HEA)-[0-9]{2,}$')), name='commitment_code_format_editions'),
        ),
        migrations.AddConstraint(
            model_name='commitmentlink',
            constraint=models.UniqueConstraint(fields=('predecessor', 'successor'), name='lineage_once'),
        ),
        migrations.AddConstraint(
            model_name='commitmentlink',
            constraint=models.CheckConstraint(condition=models.Q(('predecessor', models.F('successor')), _negated=True), name='lineage_not_itself'),
        ),
    ]
