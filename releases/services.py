"""Publishing releases: requested when a period is locked, built once, never changed.

``request_release(period)`` (the ``period_locked`` signal, after the lock commits) queues a
``Release`` and builds it: at once when the catalogue is small (about two seconds of work,
``RELEASES_INLINE_MAX_COMMITMENTS``), otherwise as a background job (``build_release_job``),
whose progress the Releases page shows. ``build(release_id)``:

1. reads the period's public tables (``tables.data_tables``) and their checksum; if it is the
   checksum of the period's latest published release, nothing new is published (UNCHANGED);
2. gives the release its version: ``1.0`` for a period's first, then ``1.1``, ``1.2``…;
3. compares it with the period's previous version (errata, with the reasons given when the
   period was unlocked) and with the previous period's latest release (changes);
4. writes every file once to the configured storage, under a folder of this attempt only;
5. then, in one transaction, records the files and publishes the release.

A failure anywhere leaves the release FAILED with its error, deletes what this attempt wrote,
and publishes nothing; ``build`` again (``retry``, ``manage.py publish_releases``) retries it.
A published release is never built again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import uuid
from collections import Counter

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from huey.contrib.djhuey import db_task

from audit.models import ChangeEvent
from commitments.models import Commitment
from mirps import jobs
from mirps.signals import announce_figures_changed
from periods.models import ReportingPeriod
from releases import files as release_files
from releases.models import Release, ReleaseFile
from releases.tables import DATA_TABLES, TABLES, data_tables

logger = logging.getLogger(__name__)
State = Release.State


def runs_inline(commitments: int | None = None) -> bool:
    if commitments is None:
        commitments = Commitment.objects.count()
    return commitments <= settings.RELEASES_INLINE_MAX_COMMITMENTS


def request_release(period: ReportingPeriod) -> Release:
    """Queue a release of ``period`` (just locked) and build it, here or as a job."""
    release = Release.objects.create(period=period, state=State.QUEUED)
    start(release)
    return release


def start(release: Release) -> None:
    if runs_inline():
        build(release.pk)
    else:
        build_release_job(release.pk)
        jobs.ensure_worker()


def retry(release: Release) -> Release:
    """Build a FAILED release again (the same version, if it had one)."""
    if release.state != State.FAILED:
        return release
    Release.objects.filter(pk=release.pk).update(state=State.QUEUED, progress=0, step="")
    start(release)
    release.refresh_from_db()
    return release


def requeue(release: Release) -> None:
    """Queue again a build its worker left half done (stopped with its server)."""
    Release.objects.filter(pk=release.pk, state=State.BUILDING).update(
        state=State.QUEUED, progress=0, step=""
    )
    start(release)


def _progress(release_id: int, step: str, share: int) -> None:
    Release.objects.filter(pk=release_id).update(step=step, progress=share)


def storage_prefix(period: str, version: str, attempt: str) -> str:
    return f"releases/{period}/{version}/{attempt}/"


def build(release_id: int) -> Release:
    release = Release.objects.select_related("period").get(pk=release_id)
    if release.state in (State.PUBLISHED, State.UNCHANGED):
        return release  # published once, never again
    Release.objects.filter(pk=release_id).update(
        state=State.BUILDING, progress=0, step="", error="", attempts=release.attempts + 1
    )
    written: list[str] = []
    try:
        return _build(release, written)
    except Exception as exc:
        for name in written:  # no half release: what this attempt wrote goes
            try:
                default_storage.delete(name)
            except Exception:  # noqa: BLE001 - the storage may be what failed
                logger.exception("could not delete %s", name)
        Release.objects.filter(pk=release_id).update(
            state=State.FAILED, progress=0, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.exception("release %s of %s failed", release_id, release.period.code)
        release.refresh_from_db()
        return release


def _data_checksum(tables: dict[str, list[dict]]) -> str:
    digest = hashlib.sha256()
    for name in DATA_TABLES:
        digest.update(release_files.csv_bytes(TABLES[name], tables[name]))
    return digest.hexdigest()


def latest_published(period: ReportingPeriod, *, exclude: int | None = None) -> Release | None:
    releases = Release.objects.published().filter(period=period)
    if exclude is not None:
        releases = releases.exclude(pk=exclude)
    return releases.order_by("-major", "-minor").first()


def _build(release: Release, written: list[str]) -> Release:
    period = release.period
    tables = data_tables(period, lambda step, share: _progress(release.pk, step, share))
    checksum = _data_checksum(tables)
    earlier = latest_published(period, exclude=release.pk)
    if earlier is not None and earlier.content_sha256 == checksum:
        Release.objects.filter(pk=release.pk).update(
            state=State.UNCHANGED, progress=100, content_sha256=checksum, step=""
        )
        release.refresh_from_db()
        return release
    _progress(release.pk, "comparing", 60)
    release = _give_version(release)
    reason = _unlock_reasons(period, earlier)
    errata = _errata(earlier, tables, reason) if earlier else []
    before = period.previous()  # periods.models.previous_among: the one rule
    compared = latest_published(before) if before is not None else None
    # changes.csv: from the previous period's latest release, then (a new version) from this
    # period's previous version, each row saying which it compares with
    tables["changes"] = _changes(tables, before, compared, "previous_period") + (
        _changes(tables, period, earlier, "previous_version") if earlier else []
    )
    tables["errata"] = errata
    now = timezone.now().replace(microsecond=0)
    meta = release_files.Meta(
        period=period.code,
        version=release.version,
        date=now,
        url=release.address,
        commitments=len(tables["commitments"]),
    )
    info = {
        "previous_version": earlier.version if earlier else None,
        "errata_count": len(errata),
        "reason": reason,
    }
    _progress(release.pk, "writing", 75)
    contents = release_files.render(meta, tables, info)
    rows = _save_files(release, contents, written)
    _progress(release.pk, "publishing", 95)
    # the list's "since the last period"
    counts = Counter(
        row["change"] for row in tables["changes"] if row["compared_with"] == "previous_period"
    )
    with transaction.atomic():
        ReleaseFile.objects.bulk_create(rows)
        Release.objects.filter(pk=release.pk).update(
            state=State.PUBLISHED,
            progress=100,
            step="",
            published_at=now,
            commitments=meta.commitments,
            reason=reason,
            errata=errata,
            changes={
                "previous_period": before.code if before else None,
                "previous_version": compared.version if compared else None,
                "counts": dict(counts),
            },
            content_sha256=checksum,
            size=sum(r.size for r in rows),
        )
    release.refresh_from_db()
    # the pages of the period now link to it (their cached content is refreshed)
    announce_figures_changed(Release)
    logger.info("release %s %s published", period.code, release.version)
    return release


def _save_files(release: Release, contents: dict[str, bytes], written: list[str]) -> list:
    """Each file stored under a fresh prefix (its names in `written`, for clean-up on failure),
    and the ReleaseFile rows that describe them, not yet saved."""
    prefix = storage_prefix(release.period.code, release.version, uuid.uuid4().hex[:12])
    rows = []
    for name, content in contents.items():
        saved = default_storage.save(prefix + name, ContentFile(content))
        written.append(saved)
        if saved != prefix + name:
            raise OSError(f"the storage renamed {prefix + name} to {saved}")
        rows.append(
            ReleaseFile(
                release=release,
                name=name,
                file=saved,
                size=len(content),
                sha256=release_files.sha256(content),
                media_type=release_files.media_type(name),
            )
        )
    return rows


def _give_version(release: Release) -> Release:
    """The next version of the period (kept by a release that failed and is retried)."""
    if release.minor is not None:
        return release
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().filter(pk=release.period_id).first()
        top = Release.objects.filter(period_id=release.period_id, major=1).aggregate(
            top=Max("minor")
        )["top"]
        release.minor = 0 if top is None else top + 1
        Release.objects.filter(pk=release.pk).update(minor=release.minor)
    return release


def _unlock_reasons(period: ReportingPeriod, earlier: Release | None) -> str:
    """The reasons given when ``period`` was unlocked since ``earlier`` was published (the
    text only: who unlocked it is not the public's)."""
    if earlier is None:
        return ""
    events = ChangeEvent.objects.filter(
        period=period,
        action=ChangeEvent.Action.PERIOD_UNLOCKED,
        at__gte=earlier.published_at,
    ).order_by("at", "id")
    return " / ".join(e.comment.strip() for e in events if e.comment.strip())


# --- Reading a published release back ---------------------------------------------------------


def read_file(release: Release, name: str) -> bytes:
    row = release.files.get(name=name)
    with default_storage.open(row.file.name, "rb") as fh:
        return fh.read()


def read_table(release: Release, name: str) -> list[dict[str, str]]:
    """A published CSV table as its rows of text (what a reader downloads)."""
    text = read_file(release, f"csv/{name}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _keys(name: str) -> list[str]:
    table = TABLES[name]
    if table.primary_key:
        return table.primary_key
    if name == "indicators":
        return ["indicator", "country", "period_start", "period_end"]
    return [c.name for c in table.columns]


def _as_text(name: str, rows: list[dict]) -> list[dict[str, str]]:
    columns = [c.name for c in TABLES[name].columns]
    return [{c: release_files.cell(row.get(c)) for c in columns} for row in rows]


def _key(name: str, row: dict[str, str]) -> str:
    keys = _keys(name)
    return "|".join(row[k] for k in keys) if keys else "region"


def _errata(earlier: Release, tables: dict[str, list[dict]], reason: str) -> list[dict]:
    """Every cell of the data tables that differs from ``earlier`` (added and removed rows
    too), as rows of errata.csv."""
    found = []
    for name in DATA_TABLES:
        before = {_key(name, row): row for row in read_table(earlier, name)}
        after = {_key(name, row): row for row in _as_text(name, tables[name])}
        for key, row in after.items():
            old = before.get(key)
            if old is None:
                found.append((name, key, "(row)", "", "added"))
                continue
            for column, value in row.items():
                if old.get(column, "") != value:
                    found.append((name, key, column, old.get(column, ""), value))
        for key in before.keys() - after.keys():
            found.append((name, key, "(row)", "present", "removed"))
    return [
        {
            "file": f"{name}.csv",
            "row": key,
            "column": column,
            "before": old,
            "after": new,
            "previous_version": earlier.version,
            "reason": reason or None,
        }
        for name, key, column, old, new in found
    ]


def _changes(
    tables: dict[str, list[dict]],
    before: ReportingPeriod | None,
    compared: Release | None,
    compared_with: str,
) -> list[dict]:
    """Each commitment that changed from ``compared`` (the previous period's latest release,
    or this period's previous version: ``compared_with``): status up or down, newly reported,
    no longer reported; added or closed, "by a new edition" when its country's edition differs
    between the two releases (``_edition_change``)."""
    if compared is None:
        return []
    old_status = {r["commitment"]: r for r in read_table(compared, "statuses")}
    old_commitments = {r["code"]: r for r in read_table(compared, "commitments")}
    now_status = {r["commitment"]: r for r in tables["statuses"]}
    old_editions = _editions(old_commitments.values())
    new_editions = _editions(tables["commitments"])
    rows = []

    def row(code, country, change, was, now):
        rows.append(
            {
                "commitment": code,
                "country": country,
                "change": change,
                "status_before": None if was in (None, "") else int(was),
                "status_after": now,
                "previous_period": before.code,
                "previous_version": compared.version,
                "compared_with": compared_with,
            }
        )

    for c in tables["commitments"]:
        code, now = c["code"], now_status[c["code"]]["status"]
        if code not in old_commitments:
            by_edition = _edition_change(c, old_editions)
            row(code, c["country"], "added_by_new_edition" if by_edition else "added", None, now)
            continue
        was = old_status.get(code, {}).get("status", "")
        if was == "" and now is None:
            continue
        if was == "":
            row(code, c["country"], "newly_reported", None, now)
        elif now is None:
            row(code, c["country"], "no_longer_reported", was, None)
        elif now > int(was):
            row(code, c["country"], "up", was, now)
        elif now < int(was):
            row(code, c["country"], "down", was, now)
    for code in sorted(old_commitments.keys() - now_status.keys()):
        was = old_status.get(code, {}).get("status", "")
        old = old_commitments[code]
        change = "closed_by_new_edition" if _edition_change(old, new_editions) else "closed"
        row(code, old["country"], change, was, None)
    return rows


def _editions(commitments) -> dict[str, set[str]]:
    """The editions a release's commitments table lists, by country."""
    editions: dict[str, set[str]] = {}
    for c in commitments:
        editions.setdefault(c["country"], set()).add(c.get("edition") or "")
    return editions


def _edition_change(commitment: dict, other: dict[str, set[str]]) -> bool:
    """Whether ``commitment`` (a row of one release's commitments table) is of an edition the
    other release does not list for its country: it entered or left with a new edition."""
    return (commitment.get("edition") or "") not in other.get(commitment["country"], set())


@db_task(retries=0, context=False)
def build_release_job(release_id: int) -> None:
    """Build a release off the request path (``build``: failures leave it FAILED for a retry,
    never half published). Defined beside ``build`` so that the two modules import one way;
    ``releases/tasks.py`` names it for Huey's autodiscovery."""
    build(release_id)
