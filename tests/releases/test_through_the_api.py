"""Issue 23 as it will be checked: through the API and the files alone. The secretariat locks
a period (API), release 1.0 is downloaded and validated (Frictionless, every checksum, the
progress tables against /api/v1/progress/, no private field); unlocked through the API with a
reason, a team's changed status submitted and approved through the API, locked again: 1.1
lists exactly that change in its errata and in changes.csv, and every byte of 1.0 is as it
was."""

from __future__ import annotations

import json

import frictionless
from rest_framework.test import APIClient

from tests.releases.test_publish import files_of, rows


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lock_download_unlock_change_relock_through_the_api(
    world, tmp_path, django_capture_on_commit_callbacks
):
    staff, team = api_client(world["staff"]), api_client(world["team"])
    public = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post("/api/v1/periods/2024/lock/").status_code == 200
    first = files_of(public, "2024", "1.0")  # every file's size and SHA-256 checked there

    # the data package validates with the Frictionless tools
    for name, content in first.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]

    # the progress tables are the API's figures for the period
    table = json.loads(first["json/progress_pillar.json"])
    api = public.get("/api/v1/progress/", {"by": "pillar", "period": "2024"}).json()
    assert [(r["pillar"], r["progress"], r["coverage"]) for r in table] == [
        (g["pillar"], g["progress"], g["coverage"]) for g in api["groups"]
    ]
    # nothing private: the pending narrative, e-mail addresses, user names
    everything = b"".join(first.values())
    for private in (b"SECRET-PENDING-NARRATIVE", b"@example.org", b"gtm-team", b"sofia"):
        assert private not in everything

    with django_capture_on_commit_callbacks(execute=True):
        unlocked = staff.post(
            "/api/v1/periods/2024/unlock/", {"reason": "GTM corrected HEA-01"}, format="json"
        )
    assert unlocked.status_code == 200
    seen = team.get("/api/v1/commitments/GTM-HEA-01/", {"period": "2024"}).json()
    assert seen["status"] == 0
    base = max(u["id"] for u in seen["history"] if u["period"] == "2024")
    submitted = team.post(
        "/api/v1/status-updates/",
        {
            "commitment": "GTM-HEA-01",
            "period": "2024",
            "status": 2,
            "narrative": "Two posts open",
            "base_version": base,
        },
        format="json",
    )
    assert submitted.status_code == 201, submitted.content
    with django_capture_on_commit_callbacks(execute=True):
        approved = staff.post(
            "/api/v1/status-updates/review/",
            {"ids": [submitted.json()["id"]], "action": "approve"},
            format="json",
        )
        assert approved.status_code == 200, approved.content
        assert staff.post("/api/v1/periods/2024/lock/").status_code == 200

    listed = public.get("/api/v1/releases/").json()
    assert sorted(r["version"] for r in listed if r["period"] == "2024") == ["1.0", "1.1"]
    assert files_of(public, "2024", "1.0") == first  # every byte of 1.0 unchanged
    second = files_of(public, "2024", "1.1")
    errata = [e for e in rows(second["csv/errata.csv"]) if e["file"] == "statuses.csv"]
    assert {(e["row"], e["column"], e["before"], e["after"]) for e in errata} >= {
        ("GTM-HEA-01", "status", "0", "2")
    }
    assert {e["row"] for e in errata} == {"GTM-HEA-01"}
    assert {e["reason"] for e in rows(second["csv/errata.csv"])} == {"GTM corrected HEA-01"}
    detail = public.get("/api/v1/releases/2024/1.1/").json()
    assert detail["reason"] == "GTM corrected HEA-01"
    # changes.csv: the commitment the errata concern, compared with 1.0 of the same period
    by_version = [
        c for c in rows(second["csv/changes.csv"]) if c["compared_with"] == "previous_version"
    ]
    assert [
        (c["commitment"], c["change"], c["status_before"], c["status_after"], c["previous_version"])
        for c in by_version
    ] == [("GTM-HEA-01", "up", "0", "2", "1.0")]
    assert not any(c["compared_with"] == "previous_version" for c in rows(first["csv/changes.csv"]))
