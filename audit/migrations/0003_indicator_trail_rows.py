"""One audit trail: the indicators' own trail (``indicators.IndicatorEvent``: values
superseded, approved or returned; indicators linked to and unlinked from commitments) moves
into ``ChangeEvent``, every row with its time, author, route, values and comment; the
indicators app's migration 0002 then drops the emptied table. (A migration of its own: on
PostgreSQL, rows inserted in the transaction that adds the columns' indexes would hold it.)"""

from django.db import migrations

# Every row of the indicators' trail, in its order; its actions in the trail's words.
COPY_IN = """
INSERT INTO commitments_changeevent
    (at, user_id, action, route, commitment_id, indicator_value_id, indicator_id,
     old_value, new_value, comment)
SELECT at, user_id,
       CASE action WHEN 'linked' THEN 'indicator_linked'
                   WHEN 'unlinked' THEN 'indicator_unlinked' ELSE action END,
       route, commitment_id, value_id, indicator_id, old_value, new_value, comment
FROM indicators_indicatorevent ORDER BY id
"""
COPY_BACK = """
INSERT INTO indicators_indicatorevent
    (at, user_id, action, route, commitment_id, value_id, indicator_id,
     old_value, new_value, comment)
SELECT at, user_id,
       CASE action WHEN 'indicator_linked' THEN 'linked'
                   WHEN 'indicator_unlinked' THEN 'unlinked' ELSE action END,
       route, commitment_id, indicator_value_id, indicator_id, old_value, new_value, comment
FROM commitments_changeevent WHERE indicator_id IS NOT NULL ORDER BY id;
DELETE FROM commitments_changeevent WHERE indicator_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_indicator_trail"),
        ("indicators", "0001_catalogue_values_links"),
    ]

    operations = [migrations.RunSQL(COPY_IN, COPY_BACK)]
