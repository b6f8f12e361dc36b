"""Backups: the full export (JSON + uploaded files) round-trips into an empty database, every
row and every file identical; the import refuses what it cannot do, changing nothing."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from commitments.models import Commitment, Pillar, ReportingPeriod, StatusUpdate
from commitments.services import edit_pillar, record_status, review, set_period_locked
from mirps import backup

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
    from commitments.spreadsheets import importer

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
    from commitments.models import SpreadsheetUpload

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
    assert all(before_rows[label] for label in ["commitments.ChangeEvent", "admin.LogEntry"])
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
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        out.writestr("data.json", data)
    empty_the_database()
    with pytest.raises(backup.ArchiveError, match="Unsafe"):
        backup.import_archive(tampered)
    assert not Commitment.objects.exists()
    assert ContentType.objects.exists()  # the empty database is as it was
