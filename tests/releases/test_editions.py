"""A release lists the commitments of the edition in force at its period's end, each with its
edition (issue 22): a past period's release lists the same commitments after a new edition is
loaded (and, built again, is the same release), and changes.csv says which commitments entered
or left with the new edition. Honduras gets a 2024-2026 edition from 1 January 2024:
HND24-JOB-01 continues HND-JOB-01, HND24-PRO-01 is new, HND-PRO-01 closes."""

import pytest

from commitments.editions import EditionRow
from releases.models import Release
from releases.services import read_table
from releases.tables import data_tables
from tests.editions import apply_rows

pytestmark = pytest.mark.django_db

OLD_HND = {"HND-JOB-01", "HND-PRO-01"}
NEW_HND = {"HND24-JOB-01", "HND24-PRO-01"}
GTM = {"GTM-PRO-01", "GTM-HEA-01", "GTM-EDU-01"}


def load_honduras_2024():
    rows = [
        EditionRow(2, "HND24-JOB-01", "JOB", "3", "Work permits", replaces="HND-JOB-01"),
        EditionRow(3, "HND24-PRO-01", "PRO", "1", "Protection desks in every department"),
    ]
    apply_rows("HND", "2024-2026", rows)


def codes(rows, key="code"):
    return {row[key] for row in rows}


def test_the_tables_list_the_edition_in_force_at_the_periods_end(world):
    load_honduras_2024()
    tables = data_tables(world["p2023"])
    assert codes(tables["commitments"]) == GTM | OLD_HND
    assert codes(tables["statuses"], "commitment") == GTM | OLD_HND
    tables = data_tables(world["p2024"])
    assert codes(tables["commitments"]) == GTM | NEW_HND
    assert codes(tables["statuses"], "commitment") == GTM | NEW_HND
    editions = {row["code"]: row["edition"] for row in tables["commitments"]}
    assert editions["HND24-PRO-01"] == "2024-2026" and editions["GTM-PRO-01"] == "2021"


def test_a_past_periods_release_is_the_same_after_a_new_edition(world, lock):
    lock(world["p2023"], world["staff"])
    first = Release.objects.get(period=world["p2023"])
    assert codes(read_table(first, "commitments")) == GTM | OLD_HND
    load_honduras_2024()
    lock(world["p2023"], world["staff"], locked=False, reason="Checking after the new edition")
    lock(world["p2023"], world["staff"])
    # built again, 2023 gives the same tables to the byte (commitments, statuses and the
    # progress engine's figures, whose base is the edition in force at 2023's end): nothing new
    # is published, 1.0 stays the one version
    again = Release.objects.filter(period=world["p2023"]).exclude(pk=first.pk).get()
    assert again.state == Release.State.UNCHANGED
    assert list(Release.objects.published().filter(period=world["p2023"])) == [first]
    assert codes(read_table(first, "commitments")) == GTM | OLD_HND


def test_changes_say_which_commitments_a_new_edition_added_and_closed(world, lock):
    lock(world["p2023"], world["staff"])
    load_honduras_2024()
    lock(world["p2024"], world["staff"])
    release = Release.objects.get(period=world["p2024"])
    changes = {row["commitment"]: row for row in read_table(release, "changes")}
    assert {code: changes[code]["change"] for code in OLD_HND | NEW_HND} == {
        "HND24-JOB-01": "added_by_new_edition",
        "HND24-PRO-01": "added_by_new_edition",
        "HND-JOB-01": "closed_by_new_edition",
        "HND-PRO-01": "closed_by_new_edition",
    }
    assert changes["HND-JOB-01"]["status_before"] == "1"  # its last status in 2023's release
    assert changes["HND-JOB-01"]["status_after"] == ""
    assert changes["GTM-PRO-01"]["change"] == "up"  # the other countries as before
    assert release.changes["counts"]["added_by_new_edition"] == 2
    assert release.changes["counts"]["closed_by_new_edition"] == 2
