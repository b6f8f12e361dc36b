"""Migration 0009: a pillar or Spanish text edited in the app before it keeps its hand edit
(load_plans then leaves it alone, as it always did)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("commitments", "0008_audit_actions_after_merge")]
AFTER = [("commitments", "0009_spanish_working_translations_and_search")]


@pytest.mark.django_db(transaction=True)
def test_earlier_hand_edits_get_their_timestamp():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Country = apps.get_model("countries", "Country")
    Pillar = apps.get_model("commitments", "Pillar")
    FocusArea = apps.get_model("commitments", "FocusArea")
    Plan = apps.get_model("commitments", "NationalPlan")
    Commitment = apps.get_model("commitments", "Commitment")
    Event = apps.get_model("commitments", "ChangeEvent")
    country = Country.objects.create(iso3="AAA", name_en="A", name_es="A")
    pillar = Pillar.objects.create(number=1, name_en="P", name_es="P")
    area = FocusArea.objects.create(code="PRO", name_en="PRO", name_es="PRO")
    plan = Plan.objects.create(country=country, edition="2021", title_en="Plan")
    made = {}
    for n in (1, 2, 3):
        made[n] = Commitment.objects.create(
            code=f"AAA-PRO-0{n}",
            plan=plan,
            country=country,
            focus_area=area,
            pillar=pillar,
            text="t",
        )
    Event.objects.create(
        action="commitment_edited", route="admin", commitment=made[1], comment="pillar"
    )
    Event.objects.create(
        action="commitment_edited", route="admin", commitment=made[2], comment="text_es"
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        rows = {
            c.code: (c.classification_edited_at is not None, c.translation_edited_at is not None)
            for c in apps.get_model("commitments", "Commitment").objects.all()
        }
        assert rows == {
            "AAA-PRO-01": (True, False),
            "AAA-PRO-02": (False, True),
            "AAA-PRO-03": (False, False),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
