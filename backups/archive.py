"""A full export of the data and its history as one archive, and its import into an empty
database (``manage.py export_data`` / ``import_data``).

The archive is a ZIP file:

* ``manifest.json``: the format, when it was made, the migrations it was made at, the number
  of rows per model, every file with its SHA-256, the SHA-256 of every other member of the
  archive (``members``), and a signature of all that (``signature``: HMAC-SHA256 with
  ``BACKUP_SIGNING_KEY``, by default the server's ``SECRET_KEY``);
* ``data.json``: every row of every model of ours (countries, teams, plans, commitments,
  periods, every status ever recorded, the audit trail, spreadsheet uploads), the accounts and
  groups, and the admin's own log, as Django's JSON serialization, timestamps to the
  microsecond (Django's own encoder keeps milliseconds only). Accounts and groups are keyed by
  name, not by id (a fresh database numbers its own groups and permissions); every other row
  keeps its id;
* ``media/…``: the uploaded files (evidence, spreadsheets) the rows name.

The import refuses, changing nothing and saying why: anything that is not such an archive or
cannot be read to the end (truncated, corrupt); a member whose SHA-256 is not the manifest's,
or a member the manifest does not list (damaged, or edited: a status changed, an account made
superuser); a manifest whose signature is not this server's (edited, or made with another
``BACKUP_SIGNING_KEY``: set the exporting server's key to import it).

An archive made by an older version (at migrations this database has all applied, and more)
is imported too: the models that moved between apps since are read under their new names
(``MOVED``, ``RENAMED_FIELDS``, ``MERGED`` below, the same tables ``make upgrade-check`` proves
on a real upgrade). Data migrations are not replayed on its rows: for an archive older than a
data migration, import it into a database at the archive's own version and migrate that.

Not exported, on purpose: sessions (everyone signs in again), django-axes' sign-in attempts,
content types and permissions (``migrate`` creates them). A database backup proper is
``pg_dump`` (see the README); this archive is for moving the data between databases or
versions of PostgreSQL, and for reading it without PostgreSQL.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from commitments.models import edition_first_day
from mirps.signals import announce_figures_changed

FORMAT = "mirps-export"
# 2: microseconds kept, every member's SHA-256 and a signature in the manifest
VERSION = 2
# 1: no signature and no SHA-256 of data.json, datetimes to the millisecond (read with --unsigned)
UNSIGNED_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
# every app of the project, in the order of its layers (settings.PROJECT_APPS)
OUR_APPS = settings.PROJECT_APPS
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


# --- Archives made before a model moved ---------------------------------------------------------
#
# A model that moves to another app keeps its table and rows (migrations rename or keep the
# table, never drop and recreate it), but an archive made before the move names its rows by the
# old label. These tables say how such an archive reads in the current layout. ``import_data``
# applies them to an archive made at older migrations (``upgrade_rows``), and
# ``scripts/upgrade_check.py`` (``make upgrade-check``) to check that an upgraded database holds
# every row of the database it was before. Labels are ``app_label.modelname``, lower case, as in
# data.json. To add an entry, see the README (Backups: "When a model moves").

MOVED: dict[str, str] = {
    # issue 20: the apps by domain (each model kept its table, commitments_...)
    "commitments.reportingperiod": "periods.reportingperiod",
    "commitments.statusupdate": "statuses.statusupdate",
    "commitments.changeevent": "audit.changeevent",
    "commitments.spreadsheetupload": "spreadsheets.spreadsheetupload",
}
"""A model that moved to another app (or was renamed): old label → new label, e.g.
``"commitments.reportingperiod": "periods.reportingperiod"``. Its rows keep their ids and
fields; its content type and permissions follow it (admin log entries, groups' and accounts'
permissions), and so do a merged model's (``MERGED``)."""

RENAMED_FIELDS: dict[str, dict[str, str]] = {}
"""Fields renamed when a model moved or changed: old label → {old field: new field}."""


@dataclass(frozen=True)
class Merge:
    """The rows of a model merged into another model (the old model is gone).

    ``fields`` turns an old row's fields into the new row's (a plain function of a dict, with
    foreign keys as ids and accounts by username, as data.json holds them; it must not query the
    database). A merged row gets a new id in the new model, so nothing may point to the old
    model's rows; the upgrade check finds it in the new model by its content (every field
    ``fields`` returns), not by its id.
    """

    into: str
    fields: Callable[[dict], dict]


def indicator_event_as_change(fields: dict) -> dict:
    """An indicator's audit event (``indicators.IndicatorEvent``, until issue 20) as the row of
    the one audit trail it became (migration ``audit.0003``): the value is ``indicator_value``,
    links are ``indicator_linked``/``indicator_unlinked``, the rest as it was."""
    actions = {"linked": "indicator_linked", "unlinked": "indicator_unlinked"}
    moved = {key: value for key, value in fields.items() if key != "value"}
    moved["indicator_value"] = fields.get("value")
    moved["action"] = actions.get(fields.get("action"), fields.get("action"))
    return moved


MERGED: dict[str, Merge] = {
    "indicators.indicatorevent": Merge("audit.changeevent", indicator_event_as_change),
}
"""Old label → ``Merge``."""


def plan_editions_start(rows: list[dict]) -> None:
    """Migration ``commitments.0014`` (issue 22): a plan exported before editions had a start
    gets the day that migration gave it (``commitments.models.edition_first_day``, one day
    later for a second edition of a country on the same day, in id order)."""
    taken = set()
    plans = [r for r in rows if r["model"].lower() == "commitments.nationalplan"]
    for row in sorted(plans, key=lambda r: r["pk"] or 0):
        fields = row["fields"]
        if fields.get("starts_on"):
            taken.add((fields["country"], fields["starts_on"]))
            continue
        day = edition_first_day(fields.get("edition", ""))
        while (fields["country"], day.isoformat()) in taken:
            day += datetime.timedelta(days=1)
        taken.add((fields["country"], day.isoformat()))
        fields["starts_on"] = day.isoformat()


FILLED: list[Callable[[list[dict]], None]] = [plan_editions_start]
"""Fields a data migration filled in rows that existed before it: each function fills, in the
upgraded rows of an older archive, what that migration gave them (pure: no database)."""

# On an upgraded row, where it came from when it was merged (not a field; removed before
# loading).
MERGED_FROM = "merged_from"


def upgraded_label(label: str) -> str:
    """The label that rows of ``label`` (any case) have in the current layout."""
    label = label.lower()
    if label in MERGED:
        return MERGED[label].into
    return MOVED.get(label, label)


def _upgraded_key(value):
    """A content type's or a permission's natural key, ``[app, model]`` or ``[codename, app,
    model]``, pointing at a model that moved or was merged: pointed at the model where its rows
    are now (a permission's codename ends with the model's name: ``view_indicatorevent`` of a
    model merged into ``audit.changeevent`` becomes ``view_changeevent``)."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        return value
    if not all(isinstance(v, str) for v in value):
        return value
    old = f"{value[-2]}.{value[-1]}"
    if old not in MOVED and old not in MERGED:
        return value
    app, model = upgraded_label(old).split(".")
    if len(value) == 2:
        return [app, model]
    codename = value[0]
    if codename.endswith(f"_{value[-1]}"):
        codename = codename[: -len(value[-1])] + model
    return [codename, app, model]


def _upgraded_fields(fields: dict) -> dict:
    result = {}
    for name, value in fields.items():
        if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            value = [_upgraded_key(v) for v in value]  # many-to-many by natural keys
        result[name] = _upgraded_key(value)
    return result


def upgrade_rows(rows: list[dict]) -> list[dict]:
    """The rows of an archive's data.json (``{"model", "pk", "fields"}``) as the current layout
    names them, by ``MOVED``, ``RENAMED_FIELDS``, ``MERGED`` and ``FILLED``: labels moved,
    fields renamed, fields a data migration filled,
    content types and permissions of moved models followed, merged rows rewritten by their
    ``Merge`` (with ``pk`` None and ``merged_from`` the old label). Rows of models that did not
    move come back equal. Pure: no database."""
    result = []
    for row in rows:
        label = row["model"].lower()
        fields = dict(row["fields"])
        renames = RENAMED_FIELDS.get(label, {})
        fields = {renames.get(name, name): value for name, value in fields.items()}
        if label in MERGED:
            merge = MERGED[label]
            new = {"model": merge.into, "pk": None, MERGED_FROM: label}
            new["fields"] = _upgraded_fields(merge.fields(fields))
        else:
            new = {**row, "model": MOVED.get(label, row["model"])}
            new["fields"] = _upgraded_fields(fields)
        result.append(new)
    for fill in FILLED:
        fill(result)
    return result


def upgraded_counts(counts: dict[str, int]) -> dict[str, int]:
    """A manifest's rows per model (``app.Model`` labels) by the labels of the current layout,
    lower case: a merged model's rows counted in the model they joined."""
    result: dict[str, int] = {}
    for label, count in counts.items():
        new = upgraded_label(label)
        result[new] = result.get(new, 0) + count
    return result


class ArchiveError(Exception):
    """The archive cannot be imported here; nothing was changed."""


# What reading a damaged ZIP member can raise: a bad CRC or header (BadZipFile), a deflate
# stream cut short (zlib.error, EOFError), an unknown compression or an encrypted member.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times to the microsecond (Django's cuts them to
    milliseconds, so a restored row was not the row exported)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _signing_key() -> bytes:
    return (getattr(settings, "BACKUP_SIGNING_KEY", "") or settings.SECRET_KEY).encode()


def _signature(manifest: dict) -> str:
    """HMAC-SHA256 of the manifest (without its signature), canonically encoded."""
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_signing_key(), b"mirps-export\n" + message, hashlib.sha256).hexdigest()


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
        "json",
        objects,
        indent=1,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        cls=ExactJSONEncoder,
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
    content = data.encode("utf-8")
    members = {DATA: _sha256(content)}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, content)
        for name in files:
            if not default_storage.exists(name):
                manifest["files"][name] = None  # named by a row, missing on disk: say so
                continue
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            manifest["files"][name] = members[f"media/{name}"] = _sha256(content)
            archive.writestr(f"media/{name}", content)
        manifest["members"] = members
        manifest["signature"] = _signature(manifest)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
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


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise ArchiveError(f"The archive has no {name}: it is not a complete export.") from None
    except UNREADABLE as exc:
        raise ArchiveError(
            f"The archive is damaged or truncated: {name} cannot be read ({exc})."
        ) from None


def _unsigned_manifest(archive: zipfile.ZipFile, manifest: dict) -> dict:
    """A version 1 manifest read as a version 2 one: its members are data.json (as it is: version
    1 kept no SHA-256 of it) and the files under media/ with the SHA-256 the manifest gives."""
    files, counts = manifest.get("files"), manifest.get("counts")
    if not isinstance(files, dict) or not isinstance(counts, dict):
        raise ArchiveError("The archive's manifest is incomplete.")
    members = {DATA: _sha256(_read_member(archive, DATA))}
    for name, digest in files.items():
        if digest is not None:
            members[f"media/{_safe_name(name)}"] = digest
    return {**manifest, "members": members}


def _manifest(archive: zipfile.ZipFile, *, unsigned: bool = False) -> dict:
    try:
        manifest = json.loads(_read_member(archive, MANIFEST))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"The archive's manifest is not readable: {exc}") from None
    if not isinstance(manifest, dict):
        raise ArchiveError("The archive's manifest is not readable.")
    if manifest.get("format") != FORMAT:
        raise ArchiveError("Not an export archive of this application.")
    if manifest.get("version") == UNSIGNED_VERSION:
        if not unsigned:
            raise ArchiveError(
                f"An export archive of format version {UNSIGNED_VERSION}, made before archives "
                "were signed: nothing in it proves it was not edited after the export. If it is "
                "your own, import it with --unsigned (its files are still checked against their "
                "SHA-256)."
            )
        return _unsigned_manifest(archive, manifest)
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            f"An export archive of format version {manifest.get('version')!r}; this version "
            f"of the application reads version {VERSION} (export again with it)."
        )
    signature = manifest.get("signature")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(manifest)):
        raise ArchiveError(
            "The archive's manifest does not carry this server's signature: it was changed "
            "after the export, or made by a server with another BACKUP_SIGNING_KEY (set that "
            "server's key here to import it)."
        )
    members, files = manifest.get("members"), manifest.get("files")
    if (
        not isinstance(members, dict)
        or not isinstance(files, dict)
        or not isinstance(manifest.get("counts"), dict)
        or DATA not in members
    ):
        raise ArchiveError("The archive's manifest is incomplete.")
    return manifest


def _verified_members(archive: zipfile.ZipFile, manifest: dict) -> dict[str, bytes]:
    """Every member but the manifest, each checked against its SHA-256 in the manifest; no
    member the manifest does not list, none missing."""
    present = set(archive.namelist()) - {MANIFEST}
    listed = set(manifest["members"])
    if present - listed:
        extra = ", ".join(sorted(present - listed)[:5])
        raise ArchiveError(f"The archive holds members its manifest does not list: {extra}.")
    contents = {}
    for name in sorted(listed):
        content = _read_member(archive, name)
        if _sha256(content) != manifest["members"][name]:
            raise ArchiveError(
                f"{name} in the archive is not what was exported (its SHA-256 differs from "
                "the manifest's): the archive is damaged or was edited."
            )
        contents[name] = content
    return contents


def import_archive(source, *, unsigned: bool = False) -> dict:
    """Load an archive into an empty, migrated database at the same migrations, or at later
    ones (an archive made before an upgrade: its rows read through ``upgrade_rows``); all or
    nothing. Returns the manifest. Raises ``ArchiveError`` (nothing changed) when it cannot."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"Not an export archive, or a truncated one: {exc}.") from None
    except UNREADABLE as exc:
        raise ArchiveError(f"The archive cannot be read: {exc}") from None
    with archive:
        manifest = _manifest(archive, unsigned=unsigned)
        older = _made_at_older_migrations(manifest)
        contents = _verified_members(archive, manifest)
    data, expected = contents[DATA], manifest["counts"]
    if older:  # rows of models that moved since, by their old labels: as they read now
        data, expected = _upgraded_data(data), upgraded_counts(expected)
    files = {}
    for name, digest in manifest["files"].items():
        safe = _safe_name(name)
        if digest is None:
            continue
        if manifest["members"].get(f"media/{safe}") != digest:
            raise ArchiveError(f"The file {name} is not in the archive as the manifest says.")
        files[safe] = contents[f"media/{safe}"]
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
            try:
                _load(data)
            except (DeserializationError, DatabaseError, ValueError) as exc:
                raise ArchiveError(f"The archive's rows cannot be loaded: {exc}") from exc
            counts = {_label(m): m._default_manager.count() for m in exported_models()}
            if not _same_counts(counts, expected):
                raise ArchiveError(f"Loaded {counts}, the archive says {expected}.")
    except BaseException:
        for name in written:  # nothing half-done: files written for a failed import go too
            default_storage.delete(name)
        raise
    announce_figures_changed(None)  # every cached figure is stale now
    return manifest


def _made_at_older_migrations(manifest: dict) -> bool:
    """Whether the archive was made at older migrations than this database's (then its rows are
    read through ``upgrade_rows``); False when at the same ones. ``ArchiveError`` when it was
    made at a migration this database has not applied (a newer version, or another branch)."""
    made_at, here = manifest.get("migrations"), _applied_migrations()
    if made_at == here:
        return False
    if not isinstance(made_at, dict) or not all(
        isinstance(names, list) and all(isinstance(n, str) for n in names)
        for names in made_at.values()
    ):
        raise ArchiveError("The archive's manifest is incomplete.")
    applied = {(app, name) for app, names in here.items() for name in names}
    unknown = sorted(
        f"{app}.{name}"
        for app, names in made_at.items()
        for name in names
        if (app, name) not in applied
    )
    if unknown:
        raise ArchiveError(
            "The archive was made at migrations this database has not applied "
            f"({', '.join(unknown[:3])}{', …' if len(unknown) > 3 else ''}): migrate this "
            "database to the version the archive came from, or a later one, and import again."
        )
    return True


def _upgraded_data(data: bytes) -> bytes:
    """data.json of an older archive in the current layout (``upgrade_rows``); merged rows get
    ids after the highest of the model they joined."""
    try:
        rows = upgrade_rows(json.loads(data))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ArchiveError(f"The archive's rows cannot be read: {exc}") from None
    highest: dict[str, int] = {}
    for row in rows:
        if isinstance(row.get("pk"), int):
            label = row["model"].lower()
            highest[label] = max(highest.get(label, 0), row["pk"])
    for row in rows:
        if row.pop(MERGED_FROM, None) is not None:
            label = row["model"].lower()
            highest[label] = row["pk"] = highest.get(label, 0) + 1
    return json.dumps(rows).encode("utf-8")


def _same_counts(loaded: dict[str, int], expected: dict[str, int]) -> bool:
    loaded = {label.lower(): n for label, n in loaded.items() if n}
    return loaded == {label.lower(): n for label, n in expected.items() if n}


def _load(data: bytes) -> None:
    """Django's loaddata (natural keys, forward references, sequences reset) on the JSON."""
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        call_command("loaddata", path, verbosity=0, stdout=io.StringIO())
    finally:
        os.unlink(path)
