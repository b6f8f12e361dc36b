"""A full export of the data and its history as one archive, and its import into an empty
database (``manage.py export_data`` / ``import_data``).

The archive is a ZIP file:

* ``manifest.json``: the format, when it was made, the migrations it was made at, the number
  of rows per model and every file with its SHA-256;
* ``data.json``: every row of every model of ours (countries, teams, plans, commitments,
  periods, every status ever recorded, the audit trail, spreadsheet uploads), the accounts and
  groups, and the admin's own log, as Django's JSON serialization. Accounts and groups are
  keyed by name, not by id (a fresh database numbers its own groups and permissions); every
  other row keeps its id;
* ``media/…``: the uploaded files (evidence, spreadsheets) the rows name.

Not exported, on purpose: sessions (everyone signs in again), django-axes' sign-in attempts,
content types and permissions (``migrate`` creates them). A database backup proper is
``pg_dump`` (see the README); this archive is for moving the data between databases or
versions of PostgreSQL, and for reading it without PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "mirps-export"
VERSION = 1
OUR_APPS = ["countries", "commitments", "indicators", "funding", "notifications", "reports"]
ALSO_EXPORTED = ["auth.Group", "auth.User", "admin.LogEntry"]
# Rebuilt by migrate, transient, or security logs of the running server: never exported.
NOT_EXPORTED = [
    "contenttypes.ContentType",
    "auth.Permission",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "axes.AccessAttemptExpiration",
]


class ArchiveError(Exception):
    """The archive cannot be imported here; nothing was changed."""


def exported_models() -> list[type[models.Model]]:
    result = [
        model
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy
    ]
    result += [apps.get_model(label) for label in ALSO_EXPORTED]
    return result


def _label(model) -> str:
    return model._meta.label


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _file_names(objects) -> set[str]:
    names = set()
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(obj, field.attname)
                if value:
                    names.add(str(value))
    return names


def serialize_all() -> tuple[str, list[models.Model]]:
    """Every exported row as JSON, in an order that loads (dependencies first), and the rows."""
    ordered = serializers.sort_dependencies(
        [(m._meta.app_config, [m]) for m in exported_models()], allow_cycles=True
    )
    objects = [obj for model in ordered for obj in model._default_manager.order_by("pk")]
    data = serializers.serialize(
        "json", objects, indent=1, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return data, objects


def export_archive(target) -> dict:
    """Write the archive to ``target`` (a path or a binary file); returns its manifest."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():  # one consistent snapshot of every table
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        data, objects = serialize_all()
        counts = {_label(m): m._default_manager.count() for m in exported_models()}
    files = sorted(_file_names(objects))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "migrations": _applied_migrations(),
        "counts": counts,
        "files": {},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        for name in files:
            if not default_storage.exists(name):
                manifest["files"][name] = None  # named by a row, missing on disk: say so
                continue
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            manifest["files"][name] = hashlib.sha256(content).hexdigest()
            archive.writestr(f"media/{name}", content)
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise ArchiveError(f"Unsafe file name in the archive: {name!r}")
    return str(path)


def _database_is_empty() -> bool:
    # The Secretariat group is created by migrate itself; it is updated in place.
    return not any(
        m._default_manager.exists() for m in exported_models() if _label(m) != "auth.Group"
    )


def import_archive(source) -> dict:
    """Load an archive into an empty, migrated database at the same migrations; all or
    nothing. Returns the manifest. Raises ``ArchiveError`` (nothing changed) when it cannot."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"Not an export archive: {exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json")
        except (KeyError, ValueError) as exc:
            raise ArchiveError(f"Not an export archive: {exc}") from exc
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ArchiveError("Not an export archive of this application (or a newer format).")
        if manifest.get("migrations") != _applied_migrations():
            raise ArchiveError(
                "The archive was made at other migrations than this database's: migrate this "
                "database to the version the archive came from (or export again from there)."
            )
        files = {}
        for name, digest in manifest.get("files", {}).items():
            safe = _safe_name(name)
            if digest is None:
                continue
            content = archive.read(f"media/{safe}")
            if hashlib.sha256(content).hexdigest() != digest:
                raise ArchiveError(f"The file {name} in the archive is damaged.")
            files[safe] = content
    written = []
    try:
        with transaction.atomic():
            if not _database_is_empty():
                raise ArchiveError(
                    "This database already holds data: import only into an empty one "
                    "(create it, run migrate, then import)."
                )
            for name, content in files.items():
                if default_storage.exists(name):
                    with default_storage.open(name, "rb") as handle:
                        if handle.read() != content:
                            raise ArchiveError(f"A different file {name} is already stored.")
                    continue
                saved = default_storage.save(name, ContentFile(content))
                if saved != name:
                    raise ArchiveError(f"Could not store {name} under its own name.")
                written.append(saved)
            _load(data)
            counts = {_label(m): m._default_manager.count() for m in exported_models()}
            if counts != manifest["counts"]:
                raise ArchiveError(f"Loaded {counts}, the archive says {manifest['counts']}.")
    except BaseException:
        for name in written:  # nothing half-done: files written for a failed import go too
            default_storage.delete(name)
        raise
    from commitments.signals import announce_figures_changed

    announce_figures_changed(None)  # every cached figure is stale now
    return manifest


def _load(data: bytes) -> None:
    """Django's loaddata (natural keys, forward references, sequences reset) on the JSON."""
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        call_command("loaddata", path, verbosity=0, stdout=io.StringIO())
    finally:
        os.unlink(path)
