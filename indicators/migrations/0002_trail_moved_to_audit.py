"""The indicators' trail now lives in ``audit.ChangeEvent`` (its rows were copied there by
``audit.0003``): its table goes. Review comments have the limit of every review comment."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_catalogue_values_links"),
        ("audit", "0003_indicator_trail_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicatorvalue",
            name="review_comment",
            field=models.TextField(blank=True, max_length=2000, verbose_name="review comment"),
        ),
        migrations.DeleteModel(name="IndicatorEvent"),
    ]
