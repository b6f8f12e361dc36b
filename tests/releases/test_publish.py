"""Locking a period publishes release 1.0; unlocking, changing and locking again publishes 1.1
with its errata; every byte of 1.0 stays as it was; a failure leaves no half release."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from releases import services
from releases.models import Release, ReleaseFile
from statuses.review import review
from statuses.services import StatusChange, record_many


def files_of(client, period, version) -> dict[str, bytes]:
    """Every file of a release, downloaded through the API's addresses."""
    answer = client.get(f"/api/v1/releases/{period}/{version}/")
    assert answer.status_code == 200
    out = {}
    for f in answer.json()["files"]:
        response = client.get(f["url"])
        assert response.status_code == 200, f["name"]
        content = b"".join(response.streaming_content)
        assert len(content) == f["size"]
        assert hashlib.sha256(content).hexdigest() == f["sha256"], f["name"]
        out[f["name"]] = content
    return out


def rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def test_locking_publishes_version_1_0(world, lock, client):
    lock(world["p2024"], world["staff"])
    release = Release.objects.get()
    assert (release.state, release.version) == ("published", "1.0")
    files = files_of(client, "2024", "1.0")
    statuses = {r["commitment"]: r for r in rows(files["csv/statuses.csv"])}
    assert statuses["GTM-PRO-01"]["status"] == "3"
    assert statuses["GTM-PRO-01"]["period_reported"] == "2024"
    assert statuses["GTM-PRO-01"]["evidence_url"] == "https://example.org/decree.pdf"
    assert statuses["GTM-HEA-01"]["status"] == "0"  # not started is a status
    # not reported is empty, never 0 (the pending 5 is not public)
    assert statuses["GTM-EDU-01"]["status"] == ""
    assert statuses["GTM-EDU-01"]["progress_percent"] == ""
    assert statuses["HND-PRO-01"]["status"] == ""
    # the HXL copy: a second header row of hashtags
    hxl = list(csv.reader(io.StringIO(files["hxl/statuses.csv"].decode(), newline="")))
    assert hxl[1][:2] == ["#indicator+code", "#country+code"]
    assert "#date+reported" in hxl[1]
    # JSON: the same rows, typed
    as_json = {r["commitment"]: r for r in json.loads(files["json/statuses.json"])}
    assert as_json["GTM-PRO-01"]["status"] == 3
    assert as_json["GTM-EDU-01"]["status"] is None
    # the citation
    cff = files["CITATION.cff"].decode()
    assert 'version: "1.0"' in cff and "https://monitor.example.org/releases/2024/1.0/" in cff
    assert "How to cite" in files["README.md"].decode()
    # the zip holds every other file, byte for byte
    archive = zipfile.ZipFile(io.BytesIO(files["mirps-2024-1.0.zip"]))
    for name, content in files.items():
        if not name.endswith(".zip"):
            assert archive.read(f"mirps-2024-1.0/{name}") == content
    # datapackage: version, licence, a checksum for every other file
    package = json.loads(files["datapackage.json"])
    assert package["version"] == "1.0"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    listed = {r["path"]: r["hash"] for r in package["resources"]}
    listed.update({f["path"]: "sha256:" + f["sha256"] for f in package["mirps:files"]})
    for name, content in files.items():
        if name not in ("datapackage.json", "mirps-2024-1.0.zip"):
            assert listed[name] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert package["resources"][1]["schema"]["fields"][2]["constraints"]["enum"] == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]


def test_licence_from_setting(world, lock, client, settings):
    settings.RELEASES_LICENSE = {"name": "ODbL-1.0", "path": "https://opendatacommons.org/"}
    lock(world["p2024"], world["staff"])
    package = json.loads(files_of(client, "2024", "1.0")["datapackage.json"])
    assert package["licenses"] == [{"name": "ODbL-1.0", "path": "https://opendatacommons.org/"}]


def test_unlock_change_relock_publishes_1_1_and_keeps_1_0(world, lock, client):
    p2024, staff, team = world["p2024"], world["staff"], world["team"]
    lock(p2024, staff)
    before = files_of(client, "2024", "1.0")
    stored = {f.name: default_storage.open(f.file.name).read() for f in ReleaseFile.objects.all()}

    lock(p2024, staff, locked=False, reason="Guatemala corrected the health post status")
    # the team sends a changed status, the secretariat approves it
    gtm_hea = world["commitments"][1]
    [submitted] = record_many(
        [StatusChange(commitment=gtm_hea, status=2, narrative="Two posts open", base_version=None)],
        period=p2024,
        user=team,
    )
    review(updates=[submitted.pk], user=staff, approve=True)
    lock(p2024, staff)

    versions = list(Release.objects.published().values_list("minor", flat=True))
    assert versions == [0, 1]
    after_10 = files_of(client, "2024", "1.0")
    assert after_10 == before  # every byte and checksum of 1.0 as it was
    assert {
        f.name: default_storage.open(f.file.name).read()
        for f in ReleaseFile.objects.filter(release__minor=0)
    } == stored

    new = files_of(client, "2024", "1.1")
    errata = rows(new["csv/errata.csv"])
    statuses_errata = [e for e in errata if e["file"] == "statuses.csv"]
    changed = {(e["row"], e["column"]): (e["before"], e["after"]) for e in statuses_errata}
    assert changed[("GTM-HEA-01", "status")] == ("0", "2")
    assert changed[("GTM-HEA-01", "narrative")] == ("Not started yet", "Two posts open")
    assert {row for row, _ in changed} == {"GTM-HEA-01"}
    assert all(e["reason"] == "Guatemala corrected the health post status" for e in errata)
    assert all(e["previous_version"] == "1.0" for e in errata)
    # the progress tables say which figures moved: GTM's and pillar 2's, from what to what
    pillar = {
        (e["row"], e["column"]): (e["before"], e["after"])
        for e in errata
        if e["file"] == "progress_pillar.csv"
    }
    assert pillar[("2", "progress")] == ("0.0", "40.0")
    release = Release.objects.get(minor=1)
    assert release.reason == "Guatemala corrected the health post status"
    assert len(release.errata) == len(errata)
    api = client.get("/api/v1/releases/2024/1.1/").json()
    assert api["errata_count"] == len(errata)
    assert api["reason"] == release.reason


def test_relock_without_change_publishes_nothing_new(world, lock):
    lock(world["p2024"], world["staff"])
    lock(world["p2024"], world["staff"], locked=False, reason="checking")
    lock(world["p2024"], world["staff"])
    assert list(Release.objects.published().values_list("minor", flat=True)) == [0]
    assert Release.objects.filter(state="unchanged").count() == 1


def test_changes_from_previous_period(world, lock, client):
    lock(world["p2023"], world["staff"])
    lock(world["p2024"], world["staff"])
    changes = {r["commitment"]: r for r in rows(files_of(client, "2024", "1.0")["csv/changes.csv"])}
    assert changes["GTM-PRO-01"]["change"] == "up"
    assert (changes["GTM-PRO-01"]["status_before"], changes["GTM-PRO-01"]["status_after"]) == (
        "2",
        "3",
    )
    assert changes["HND-JOB-01"]["change"] == "up"
    assert changes["GTM-HEA-01"]["change"] == "newly_reported"
    assert changes["GTM-HEA-01"]["status_before"] == ""
    assert changes["GTM-HEA-01"]["previous_version"] == "1.0"
    assert set(changes) == {"GTM-PRO-01", "HND-JOB-01", "GTM-HEA-01"}
    assert Release.objects.get(period__code="2024").changes["counts"] == {
        "up": 2,
        "newly_reported": 1,
    }


def test_failure_leaves_no_half_release_and_retry_publishes(world, lock, client, monkeypatch):
    real_save = FileSystemStorage.save
    calls = {"n": 0}

    def failing_save(storage, name, content, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:  # the fifth file of the release
            raise OSError("disk full")
        return real_save(storage, name, content, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    lock(world["p2024"], world["staff"])
    release = Release.objects.get()
    assert release.state == "failed" and "disk full" in release.error
    assert not ReleaseFile.objects.exists()
    root = default_storage.path("releases")
    leftovers = [p for p in Path(root).rglob("*") if p.is_file()]
    assert leftovers == []  # what the attempt wrote is gone
    assert client.get("/api/v1/releases/").json() == []
    assert client.get("/api/v1/releases/2024/1.0/").status_code == 404

    monkeypatch.setattr(FileSystemStorage, "save", real_save)
    release = services.retry(release)
    assert (release.state, release.version, release.attempts) == ("published", "1.0", 2)
    files_of(client, "2024", "1.0")


@pytest.mark.parametrize("by", ["pillar", "country", "focus_area", "country,pillar", ""])
def test_release_agrees_with_the_progress_api_to_the_digit(world, lock, client, by):
    lock(world["p2023"], world["staff"])
    lock(world["p2024"], world["staff"])
    name = {
        "pillar": "progress_pillar",
        "country": "progress_country",
        "focus_area": "progress_focus_area",
        "country,pillar": "progress_country_pillar",
        "": "progress_region",
    }[by]
    table = json.loads(files_of(client, "2024", "1.0")[f"json/{name}.json"])
    api = client.get("/api/v1/progress/", {"by": by, "period": "2024"}).json()
    groups = api["groups"] if by else [api["total"]]
    assert len(table) == len(groups)
    for row, group in zip(table, groups, strict=True):
        for key in ["commitments", "reported", "coverage", "progress", "updated", "reporting_rate"]:
            assert row[key] == group[key], (key, row, group)
        for level in range(6):
            assert row[f"level_{level}"] == group["levels"][str(level)]
        assert row["not_reported"] == group["levels"]["not_reported"]
        for part in by.split(",") if by else []:
            assert row[part] == group[part]
