"""Plan editions in the catalogue (issue 22): the edition in force at a date, the commitments
it counts, lineage both ways, closed commitments, codes unique across editions, and the
migration that made every existing plan its country's 2021 edition."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from commitments.models import Commitment, CommitmentLink, NationalPlan
from tests.builders import CountryBuilder
from tests.editions import new_edition

pytestmark = pytest.mark.django_db


def commitment(builder, plan, code, text="t"):
    c = builder.commitment()
    c.code, c.plan, c.text = code, plan, text
    c.save()
    return c


def test_in_force_gives_one_edition_per_country_at_a_date():
    blz, gtm = CountryBuilder("BLZ"), CountryBuilder("GTM")
    blz24 = new_edition(blz.country, "2024-2026", dt.date(2024, 1, 1))
    assert set(NationalPlan.objects.in_force(dt.date(2023, 12, 31))) == {blz.plan, gtm.plan}
    assert set(NationalPlan.objects.in_force(dt.date(2024, 12, 31))) == {blz24, gtm.plan}
    assert set(NationalPlan.objects.in_force(dt.date(2020, 12, 31))) == set()
    assert NationalPlan.objects.previous_of(blz24) == blz.plan
    assert NationalPlan.objects.previous_of(blz.plan) is None
    assert NationalPlan.objects.latest_of(blz.country) == blz24


def test_commitments_in_force_and_closed():
    blz, gtm = CountryBuilder("BLZ"), CountryBuilder("GTM")
    old1, old2 = blz.commitment(), blz.commitment()
    other = gtm.commitment()
    blz24 = new_edition(blz.country, "2024-2026", dt.date(2024, 1, 1))
    new1 = commitment(blz, blz24, "BLZ24-PRO-01")
    CommitmentLink.objects.create(predecessor=old1, successor=new1)
    assert set(Commitment.objects.in_force(dt.date(2023, 12, 31))) == {old1, old2, other}
    assert set(Commitment.objects.in_force(dt.date(2024, 6, 30))) == {new1, other}
    # old2: nothing continues it, and its edition was replaced; GTM's has no later edition
    assert list(Commitment.objects.closed()) == [old2]
    assert list(new1.predecessors.all()) == [old1]
    assert list(old1.successors.all()) == [new1]
    assert set(Commitment.objects.of_edition("2021")) == {old1, old2, other}


def test_codes_unique_across_editions_and_the_new_code_form():
    blz = CountryBuilder("BLZ")
    first = blz.commitment()
    blz24 = new_edition(blz.country, "2024-2026", dt.date(2024, 1, 1))
    commitment(blz, blz24, "BLZ24-PRO-01")  # the code form of a later edition is accepted
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment(blz, blz24, first.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment(blz, blz24, "BLZ-24-PRO-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        new_edition(
            blz.country, "another", dt.date(2024, 1, 1)
        )  # two editions cannot start the same day


def test_a_commitment_is_not_its_own_predecessor():
    c = CountryBuilder("BLZ").commitment()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentLink.objects.create(predecessor=c, successor=c)


BEFORE = [("commitments", "0013_models_moved_to_their_apps")]
AFTER = [("commitments", "0014_plan_editions_and_lineage")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_every_plan_an_edition_and_keeps_every_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Country = apps.get_model("countries", "Country")
    Pillar = apps.get_model("commitments", "Pillar")
    FocusArea = apps.get_model("commitments", "FocusArea")
    Plan = apps.get_model("commitments", "NationalPlan")
    Old = apps.get_model("commitments", "Commitment")
    country = Country.objects.create(iso3="AAA", name_en="A", name_es="A")
    pillar = Pillar.objects.create(number=1, name_en="P", name_es="P")
    area = FocusArea.objects.create(code="PRO", name_en="PRO", name_es="PRO")
    plan = Plan.objects.create(country=country, edition="2021", title_en="Plan")
    later = Plan.objects.create(country=country, edition="2024-2026", title_en="Plan")
    for n, p in ((1, plan), (2, later)):
        Old.objects.create(
            code=f"AAA-PRO-0{n}", plan=p, country=country, focus_area=area, pillar=pillar, text="t"
        )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        plans = {
            p.edition: p.starts_on
            for p in apps.get_model("commitments", "NationalPlan").objects.all()
        }
        assert plans == {"2021": dt.date(2021, 1, 1), "2024-2026": dt.date(2024, 1, 1)}
        rows = apps.get_model("commitments", "Commitment").objects.values_list(
            "code", "original_language", "responsible_institution"
        )
        assert sorted(rows) == [("AAA-PRO-01", "en", ""), ("AAA-PRO-02", "en", "")]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_editions_by_period_and_where_they_change(django_assert_num_queries):
    from commitments.selectors import edition_changes, editions_by_period
    from tests.builders import period

    blz, gtm = CountryBuilder("BLZ"), CountryBuilder("GTM")
    blz24 = new_edition(blz.country, "2024-2026", dt.date(2024, 1, 1))
    periods = [period("2023"), period("2024-H1"), period("2024")]
    with django_assert_num_queries(1):  # the plans with their countries
        by_period = editions_by_period(periods)
    assert by_period["2023"] == {blz.country.pk: blz.plan, gtm.country.pk: gtm.plan}
    assert by_period["2024-H1"][blz.country.pk] == blz24
    changes = edition_changes(periods)
    assert [(c.period, c.country, c.before, c.after) for c in changes] == [
        ("2024-H1", "BLZ", "2021", "2024-2026")
    ]
