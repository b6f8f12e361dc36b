"""Backups: the full export (JSON + uploaded files) round-trips into an empty database, every
row and every file identical; the import refuses what it cannot do, changing nothing."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from backups import archive as backup
from backups.compare import compare
from backups.compare import read_archive as compare_read
from commitments.models import Commitment, Pillar
from commitments.services import edit_pillar
from periods.models import ReportingPeriod
from periods.services import set_period_locked
from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import record_status
from tests import cast as casts

# The role attack's cast, English messages, an English client (was tests/hardening/conftest.py)
people = casts.role_attack_people
client = casts.english_client
_english = casts.english


pytestmark = pytest.mark.django_db


@pytest.fixture
def history(people, settings, tmp_path):
    """Statuses in every review state, evidence files, a spreadsheet upload, audit events of
    every kind, national teams, indicators, funding, a notification, and the admin's own
    log."""
    settings.MEDIA_ROOT = tmp_path / "media"
    sofia, gabriel = people["sofia"], people["gabriel"]
    period = ReportingPeriod.objects.get(code="2024")
    approved = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=2,
        narrative="Approved, with “quotes” and ñ",
        user=gabriel,
        evidence_file=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 minutes"),
    )
    review(updates=[approved], user=sofia, approve=True)
    returned = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=period,
        status=3,
        narrative="Returned",
        user=gabriel,
    )
    review(updates=[returned], user=sofia, approve=False, comment="Evidence, please")
    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=4,
        narrative="Pending",
        user=gabriel,
        base_version=approved.pk,
    )
    from spreadsheets import importer

    importer.create_upload(data=b"not a spreadsheet", name="x.csv", user=gabriel, period=period)
    set_period_locked(period=ReportingPeriod.objects.get(code="2021"), locked=True, user=sofia)
    edit_pillar(pillar=Pillar.objects.get(number=1), user=sofia, name_es="Recepción y admisión")
    # the other apps: the 2024 indicators and the 2020 quantification as loaded by `make run`,
    # and the notice of the returned submission (its e-mail not sent)
    call_command("load_indicators", stdout=io.StringIO())
    call_command("load_funding", stdout=io.StringIO())
    from notifications import cycle
    from notifications.models import Notification

    cycle.returned_notices([returned.pk])  # made once, whether or not the review's hook ran
    assert Notification.objects.filter(key=f"returned:{returned.pk}").exists()
    LogEntry.objects.log_actions(
        user_id=sofia.pk,
        queryset=[period],
        action_flag=CHANGE,
        change_message="dates",
    )
    return tmp_path


def snapshot() -> dict[str, list[str]]:
    """Every exported row, every field, with accounts by name: what a round trip must keep."""
    result = {}
    for model in backup.exported_models():
        rows = serializers.serialize(
            "json",
            model._default_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        result[model._meta.label] = sorted(json.dumps(r, sort_keys=True) for r in json.loads(rows))
    return result


def files() -> dict[str, bytes]:
    names = set()
    for update in StatusUpdate.objects.exclude(evidence_file=""):
        names.add(update.evidence_file.name)
    from spreadsheets.models import SpreadsheetUpload

    names.update(u.file.name for u in SpreadsheetUpload.objects.exclude(file=""))
    return {name: default_storage.open(name, "rb").read() for name in names}


def empty_the_database():
    """A fresh, migrated database: what `createdb` + `migrate` give (the Secretariat group,
    content types and permissions exist; nothing else)."""
    call_command("flush", interactive=False, verbosity=0)
    assert not StatusUpdate.objects.exists() and not Commitment.objects.exists()


def test_every_model_is_exported_or_deliberately_left_out():
    exported = {m._meta.label for m in backup.exported_models()}
    everything = {m._meta.label for m in apps.get_models()}
    assert everything - exported == set(backup.NOT_EXPORTED)


# The import runs in its own transaction, as on a server (and PostgreSQL cannot empty tables
# inside the test's transaction).
@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_every_row_and_every_file(history, settings, tmp_path):
    before_rows, before_files = snapshot(), files()
    assert len(before_files) == 2  # the evidence and the uploaded file
    assert all(before_rows[label] for label in ["audit.ChangeEvent", "admin.LogEntry"])
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), stdout=io.StringIO())

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"  # a new server: no files either
    call_command("import_data", str(archive), stdout=io.StringIO())

    assert snapshot() == before_rows
    assert files() == before_files
    # ids continue after the imported ones (sequences reset): the next write just works
    gabriel = StatusUpdate.objects.filter(narrative="Pending").get().created_by
    new = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-03"),
        period=ReportingPeriod.objects.get(code="2024"),
        status=1,
        narrative="After the restore",
        user=gabriel,
    )
    assert new.pk > max(StatusUpdate.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_import_refuses_a_database_that_holds_data(history, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.export_archive(archive)
    before = snapshot()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("import_data", str(archive), stdout=io.StringIO())
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_import_refuses_an_archive_with_unsafe_file_names(history, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.export_archive(archive)
    with zipfile.ZipFile(archive) as original:
        manifest = json.loads(original.read("manifest.json"))
        data = original.read("data.json")
    manifest["files"] = {"../../etc/cron.d/evil": "0" * 64}
    manifest["members"] = {"data.json": hashlib.sha256(data).hexdigest()}
    manifest["signature"] = backup._signature(manifest)  # signed here: only the name is wrong
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        out.writestr("data.json", data)
    empty_the_database()
    with pytest.raises(backup.ArchiveError, match="Unsafe"):
        backup.import_archive(tampered)
    assert not Commitment.objects.exists()
    assert ContentType.objects.exists()  # the empty database is as it was


# --- issue 19, item 13: exact timestamps, checksums and signature, damaged archives ----------


def exact_rows() -> dict[str, list[dict]]:
    """Every exported row, every field, as the database returns it (datetimes with their
    microseconds), many-to-many fields included; accounts, groups, permissions and content
    types by natural key, as the archive keys them (a fresh database numbers its own)."""
    from django.contrib.auth.models import Group, Permission, User

    by_name = (User, Group, Permission, ContentType)

    def natural(model, pk):
        if pk is None:
            return None
        return model._default_manager.get(pk=pk).natural_key()

    result = {}
    for model in backup.exported_models():
        rows = []
        for obj in model._default_manager.order_by("pk"):
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if field.primary_key and model in by_name:
                    continue
                if field.is_relation and field.related_model in by_name:
                    value = natural(field.related_model, value)
                elif hasattr(value, "name") and not isinstance(value, str):  # a file
                    value = value.name
                row[field.name] = value
            for field in model._meta.many_to_many:
                related = getattr(obj, field.name).all()
                if field.related_model in by_name:
                    row[field.name] = sorted(r.natural_key() for r in related)
                else:
                    row[field.name] = sorted(r.pk for r in related)
            rows.append(row)
        key = (lambda r: repr(sorted(r.items()))) if model in by_name else None
        result[model._meta.label] = sorted(rows, key=key) if key else rows
    return result


def with_microseconds():
    """Give every timestamp of the history a microsecond part no millisecond can carry."""
    from audit.models import ChangeEvent

    for n, update in enumerate(StatusUpdate.objects.order_by("pk"), start=1):
        StatusUpdate.objects.filter(pk=update.pk).update(
            created_at=update.created_at.replace(microsecond=123457 + n)
        )
    for n, event in enumerate(ChangeEvent.objects.order_by("pk"), start=1):
        ChangeEvent.objects.filter(pk=event.pk).update(at=event.at.replace(microsecond=654321 + n))


@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_every_field_of_every_row_exactly(history, settings, tmp_path):
    """Django's JSON encoder cut timestamps to milliseconds: every status row and every audit
    row came back different. Compared here as the database returns them, not as JSON."""
    with_microseconds()
    before = exact_rows()
    statuses = before["statuses.StatusUpdate"]
    assert statuses and all(r["created_at"].microsecond % 1000 for r in statuses)
    assert sum(len(rows) for rows in before.values()) > 300
    archive = tmp_path / "backup.zip"
    call_command("export_data", str(archive), stdout=io.StringIO())
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    call_command("import_data", str(archive), stdout=io.StringIO())
    after = exact_rows()
    for label in before:
        assert after[label] == before[label], label


def read_archive(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_archive(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def tamper(data: bytes) -> bytes:
    """A status changed from 2 to 5 and gabriel made a superuser, in data.json."""
    rows = json.loads(data)
    for row in rows:
        if row["model"] == "statuses.statusupdate" and row["fields"]["status"] == 2:
            row["fields"]["status"] = 5
        if row["model"] == "auth.user" and row["fields"]["username"] == "gabriel":
            row["fields"]["is_superuser"] = row["fields"]["is_staff"] = True
    return json.dumps(rows).encode()


def refused(archive, match: str):
    """import_data refuses with a message (no traceback) and the database stays empty."""
    with pytest.raises(CommandError, match=match) as caught:
        call_command("import_data", str(archive), stdout=io.StringIO())
    assert str(caught.value).startswith("Nothing was imported: ")
    assert not Commitment.objects.exists() and not StatusUpdate.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
    return str(caught.value)


@pytest.mark.django_db(transaction=True)
def test_a_tampered_archive_is_refused(history, settings, tmp_path):
    exported = tmp_path / "backup.zip"
    backup.export_archive(exported)
    members = read_archive(exported)
    manifest = json.loads(members["manifest.json"])
    assert set(manifest["members"]) == set(members) - {"manifest.json"}
    assert manifest["members"]["data.json"] == hashlib.sha256(members["data.json"]).hexdigest()
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    # data.json edited, the manifest left as it was
    edited = write_archive(
        tmp_path / "a.zip", {**members, "data.json": tamper(members["data.json"])}
    )
    refused(edited, "data.json in the archive is not what was exported")

    # ... and its checksum in the manifest updated too: the signature no longer matches
    forged = dict(manifest)
    forged["members"] = {
        **manifest["members"],
        "data.json": hashlib.sha256(tamper(members["data.json"])).hexdigest(),
    }
    both = write_archive(
        tmp_path / "b.zip",
        {
            **members,
            "data.json": tamper(members["data.json"]),
            "manifest.json": json.dumps(forged).encode(),
        },
    )
    refused(both, "signature")

    # ... and signed with a key that is not this server's
    settings.BACKUP_SIGNING_KEY = "an attacker's guess"
    forged["signature"] = backup._signature(forged)
    settings.BACKUP_SIGNING_KEY = ""
    resigned = write_archive(
        tmp_path / "c.zip",
        {
            **members,
            "data.json": tamper(members["data.json"]),
            "manifest.json": json.dumps(forged).encode(),
        },
    )
    refused(resigned, "BACKUP_SIGNING_KEY")

    # an evidence file swapped, or a member slipped in
    evidence = next(name for name in members if name.startswith("media/evidence/"))
    swapped = write_archive(tmp_path / "d.zip", {**members, evidence: b"%PDF-1.4 forged"})
    refused(swapped, "is not what was exported")
    extra = write_archive(tmp_path / "e.zip", {**members, "media/evidence/x.pdf": b"x"})
    refused(extra, "does not list")

    # the same archive untouched still imports
    call_command("import_data", str(exported), stdout=io.StringIO())
    assert StatusUpdate.objects.filter(status=5).count() == 0
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="gabriel").is_superuser


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_truncated_archive_gets_a_clear_refusal(history, settings, tmp_path):
    exported = tmp_path / "backup.zip"
    backup.export_archive(exported)
    whole = exported.read_bytes()
    members = read_archive(exported)
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    for n, cut in enumerate([0, 10, len(whole) // 3, len(whole) // 2, len(whole) - 30]):
        truncated = tmp_path / f"truncated-{n}.zip"
        truncated.write_bytes(whole[:cut])
        message = refused(truncated, "archive")
        assert "Traceback" not in message

    # bytes damaged in the middle of a compressed member (the directory intact)
    with zipfile.ZipFile(exported) as archive:
        info = archive.getinfo("data.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    damaged = bytearray(whole)
    for i in range(start, start + 64):
        damaged[i] ^= 0xFF
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bytes(damaged))
    refused(corrupt, "damaged")

    refused(write_archive(tmp_path / "nomanifest.zip", {"data.json": b"[]"}), "manifest.json")
    refused(write_archive(tmp_path / "text.zip", {"manifest.json": b"{not json"}), "manifest")
    refused(write_archive(tmp_path / "list.zip", {"manifest.json": b"[1, 2]"}), "manifest")
    old = json.loads(members["manifest.json"])
    old["version"] = 1
    refused(
        write_archive(tmp_path / "old.zip", {**members, "manifest.json": json.dumps(old).encode()}),
        "version 1",
    )
    text = tmp_path / "notes.zip"
    text.write_text("not a zip at all")
    refused(text, "Not an export archive")


def as_version_1(members: dict[str, bytes]) -> dict[str, bytes]:
    """An archive as the release before signed archives (6d78e67, ``UPGRADE_FROM``) wrote it:
    version 1, no signature, no SHA-256 of data.json, times cut to the millisecond."""
    manifest = json.loads(members["manifest.json"])
    manifest = {k: manifest[k] for k in ("format", "created_at", "migrations", "counts", "files")}
    manifest["version"] = 1
    data = re.sub(rb"(\d\d:\d\d:\d\d\.\d{3})\d{3}", rb"\1", members["data.json"])
    return {**members, "data.json": data, "manifest.json": json.dumps(manifest).encode()}


@pytest.mark.django_db(transaction=True)
def test_an_archive_of_version_1_is_imported_only_when_asked(history, settings, tmp_path):
    from audit.models import ChangeEvent

    # under a millisecond: version 1 wrote "…:58.000Z", which imports as …:58 and exports as
    # "…:58Z" (the upgrade check once reported this row as changed)
    first = ChangeEvent.objects.order_by("pk").first()
    ChangeEvent.objects.filter(pk=first.pk).update(at=first.at.replace(microsecond=500))
    exported = tmp_path / "backup.zip"
    backup.export_archive(exported)
    before = {label: len(rows) for label, rows in exact_rows().items()}
    members = as_version_1(read_archive(exported))
    assert re.search(rb'"at": "[^"]*:\d\d\.000Z"', members["data.json"])
    assert b"signature" not in members["manifest.json"]
    old = write_archive(tmp_path / "old.zip", members)
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    message = refused(old, "version 1, made before archives were signed")
    assert "--unsigned" in message

    # its evidence files are still checked against the manifest's SHA-256
    evidence = next(name for name in members if name.startswith("media/evidence/"))
    swapped = write_archive(tmp_path / "swapped.zip", {**members, evidence: b"%PDF-1.4 forged"})
    with pytest.raises(CommandError, match="is not what was exported"):
        call_command("import_data", str(swapped), "--unsigned", stdout=io.StringIO())
    assert not StatusUpdate.objects.exists()

    call_command("import_data", str(old), "--unsigned", stdout=io.StringIO())
    assert {label: len(rows) for label, rows in exact_rows().items()} == before
    assert default_storage.exists(evidence.removeprefix("media/"))

    # the comparison of the upgrade check reads it at its own precision: nothing missing
    again = tmp_path / "again.zip"
    backup.export_archive(again)
    result = compare(compare_read(old), compare_read(again))
    assert result.ok and not result.different, result.report()
