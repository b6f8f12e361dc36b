"""Migration audit.0003: the indicators' own trail (IndicatorEvent) moves into the one audit
trail (ChangeEvent), every row with its time, author, route, values and comment, links in the
trail's words; indicators.0002 then drops the emptied table."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("audit", "0001_moved_from_commitments"), ("indicators", "0001_catalogue_values_links")]
AFTER = [("indicators", "0002_trail_moved_to_audit")]


@pytest.mark.django_db(transaction=True)
def test_every_indicator_event_is_in_the_one_trail_afterwards():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    country = apps.get_model("countries", "Country").objects.create(
        iso3="AAA", name_en="A", name_es="A"
    )
    area = apps.get_model("commitments", "FocusArea").objects.create(
        code="PRO", name_en="PRO", name_es="PRO"
    )
    pillar = apps.get_model("commitments", "Pillar").objects.create(
        number=1, name_en="P", name_es="P"
    )
    indicator = apps.get_model("indicators", "Indicator").objects.create(
        code="X",
        name_en="X",
        name_es="X",
        unit="persons",
        focus_area=area,
        pillar=pillar,
        definition_en="x",
        definition_es="x",
    )
    value = apps.get_model("indicators", "IndicatorValue").objects.create(
        indicator=indicator,
        country=country,
        value=5,
        period_end=dt.date(2024, 9, 30),
        source_document="doc",
        route="web",
    )
    user = apps.get_model("auth", "User").objects.create(username="sofia")
    Event = apps.get_model("indicators", "IndicatorEvent")  # noqa: N806
    when = timezone.now() - dt.timedelta(days=30)
    made = [
        Event.objects.create(
            user=user,
            action="returned",
            route="web",
            value=value,
            indicator=indicator,
            old_value="submitted",
            new_value="returned",
            comment="Which office?",
        ),
        Event.objects.create(
            user=None,
            action="linked",
            route="admin",
            indicator=indicator,
            new_value="AAA-PRO-01 ↔ X",
        ),
    ]
    Event.objects.filter(pk=made[0].pk).update(at=when)  # at is set on creation
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        rows = list(
            apps.get_model("audit", "ChangeEvent")
            .objects.order_by("id")
            .values(
                "at",
                "user_id",
                "action",
                "route",
                "indicator_value_id",
                "indicator_id",
                "old_value",
                "new_value",
                "comment",
            )
        )
        assert rows[0] == {
            "at": when,
            "user_id": user.pk,
            "action": "returned",
            "route": "web",
            "indicator_value_id": value.pk,
            "indicator_id": indicator.pk,
            "old_value": "submitted",
            "new_value": "returned",
            "comment": "Which office?",
        }
        assert (rows[1]["action"], rows[1]["indicator_id"], rows[1]["new_value"]) == (
            "indicator_linked",
            indicator.pk,
            "AAA-PRO-01 ↔ X",
        )
        assert "indicators_indicatorevent" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
