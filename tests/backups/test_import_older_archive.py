"""``import_data`` of an archive made before an upgrade (at older migrations than this
database's): the rows of models that moved since are read under their new labels through the
tables of ``backups.archive`` (``MOVED``, ``MERGED``), content types and permissions follow them,
merged rows get new ids; without the table the archive is refused and nothing changes; an
archive made at a migration this database has not applied is refused.

The archive is tiny and synthetic: an old app ``oldapp`` whose ``Country`` moved to
``countries`` and whose ``TeamLink`` rows were merged into ``countries.Membership``."""

import hashlib
import io
import json
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from backups import archive as backup
from countries.models import Country, Membership

pytestmark = pytest.mark.django_db

ROWS = [
    {"model": "auth.group", "fields": {"name": "Secretariat", "permissions": [
        ["view_country", "oldapp", "country"]]}},
    {"model": "auth.user", "fields": {"username": "ana", "password": "!",
        "groups": [["Secretariat"]],
        "user_permissions": [["change_country", "oldapp", "country"]]}},
    {"model": "oldapp.country", "pk": 50, "fields": {"iso3": "ZZA", "name_en": "Zedland",
        "name_es": "Zelandia del Sur"}},
    {"model": "oldapp.country", "pk": 51, "fields": {"iso3": "ZZB", "name_en": "Ybland",
        "name_es": "Ibilandia"}},
    {"model": "countries.membership", "pk": 7, "fields": {"user": ["ana"], "country": 50}},
    {"model": "oldapp.teamlink", "pk": 1, "fields": {"person": ["ana"], "country": 51}},
    {"model": "admin.logentry", "pk": 3, "fields": {
        "action_time": "2025-01-02T10:00:00Z", "user": ["ana"], "action_flag": 2,
        "content_type": ["oldapp", "country"], "object_id": "50", "object_repr": "Zedland",
        "change_message": "name"}},
]  # fmt: skip
COUNTS = {
    "auth.Group": 1,
    "auth.User": 1,
    "oldapp.Country": 2,
    "countries.Membership": 1,
    "oldapp.TeamLink": 1,
    "admin.LogEntry": 1,
}


def teamlink_as_membership(fields):
    return {"user": fields["person"], "country": fields["country"]}


@pytest.fixture(autouse=True)
def _tables_of_the_test_only(monkeypatch):
    # these archives are synthetic: each test states the moves it reads them with (the real
    # tables, for issue 20's moves, are checked by ``make upgrade-check``)
    monkeypatch.setattr(backup, "MOVED", {})
    monkeypatch.setattr(backup, "RENAMED_FIELDS", {})
    monkeypatch.setattr(backup, "MERGED", {})


@pytest.fixture
def tables(monkeypatch):
    monkeypatch.setattr(backup, "MOVED", {"oldapp.country": "countries.country"})
    monkeypatch.setattr(
        backup,
        "MERGED",
        {"oldapp.teamlink": backup.Merge("countries.membership", teamlink_as_membership)},
    )


def archive(tmp_path, *, migrations):
    """A signed archive of ROWS made at ``migrations``."""
    data = json.dumps(ROWS).encode()
    manifest = {
        "format": backup.FORMAT,
        "version": backup.VERSION,
        "created_at": "2025-01-02T10:00:00+00:00",
        "migrations": migrations,
        "counts": COUNTS,
        "files": {},
        "members": {backup.DATA: hashlib.sha256(data).hexdigest()},
    }
    manifest["signature"] = backup._signature(manifest)
    path = tmp_path / "older.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(backup.DATA, data)
        out.writestr(backup.MANIFEST, json.dumps(manifest))
    return path


def older_migrations():
    """This database's migrations but the newest of ``countries``: an archive made before it."""
    migrations = backup._applied_migrations()
    migrations["countries"] = migrations["countries"][:-1]
    return migrations


def test_an_older_archive_is_read_through_the_tables(tables, tmp_path):
    path = archive(tmp_path, migrations=older_migrations())
    call_command("import_data", str(path), stdout=io.StringIO())

    moved = Country.objects.get(pk=50)
    assert (moved.iso3, moved.name_es) == ("ZZA", "Zelandia del Sur")  # its id and fields kept
    assert Membership.objects.get(pk=7).country == moved
    merged = Membership.objects.get(country__iso3="ZZB")
    assert merged.pk == 8  # a new id, after the highest of the model it joined
    assert merged.user.username == "ana"
    ana = User.objects.get(username="ana")
    assert ana.has_perm("countries.change_country") and ana.has_perm("countries.view_country")
    assert set(Group.objects.get(name="Secretariat").permissions.values_list(
        "content_type__app_label", "codename")) == {("countries", "view_country")}  # fmt: skip
    entry = LogEntry.objects.get(pk=3)
    assert entry.get_edited_object() == moved  # the admin's log still leads to the row


def test_without_the_table_an_older_archive_is_refused_and_nothing_changes(tmp_path):
    path = archive(tmp_path, migrations=older_migrations())
    countries = Country.objects.count()
    with pytest.raises(CommandError, match="cannot be loaded"):
        call_command("import_data", str(path), stdout=io.StringIO())
    assert Country.objects.count() == countries
    assert not User.objects.filter(username="ana").exists()


def test_an_archive_made_at_a_migration_not_applied_here_is_refused(tables, tmp_path):
    newer = backup._applied_migrations()
    newer["countries"] = [*newer["countries"], "9999_from_the_future"]
    path = archive(tmp_path, migrations=newer)
    with pytest.raises(backup.ArchiveError, match="countries.9999_from_the_future"):
        backup.import_archive(path)
    assert not User.objects.filter(username="ana").exists()


def test_at_the_same_migrations_the_rows_are_not_rewritten(tables, tmp_path):
    """The tables are for older archives only: an archive of this version is loaded as it is
    (here its old labels are not models, so it is refused)."""
    path = archive(tmp_path, migrations=backup._applied_migrations())
    with pytest.raises(backup.ArchiveError, match="cannot be loaded"):
        backup.import_archive(path)


def test_upgraded_counts_follow_moves_and_merges(tables):
    assert backup.upgraded_counts(COUNTS) == {
        "auth.group": 1,
        "auth.user": 1,
        "countries.country": 2,
        "countries.membership": 2,
        "admin.logentry": 1,
    }
