"""Each release's datapackage.json validates with the Frictionless tools, as a reader's would:
schemas, types, constraints (the 0-5 scale), keys, foreign keys, and every file's SHA-256."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.releases.test_publish import files_of


def validate(folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "datapackage.json", "--json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def download(client, tmp_path, period="2024", version="1.0") -> Path:
    folder = tmp_path / f"{period}-{version}"
    for name, content in files_of(client, period, version).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


def test_frictionless_validates_the_release(world, lock, client, tmp_path):
    lock(world["p2023"], world["staff"])
    lock(world["p2024"], world["staff"])
    folder = download(client, tmp_path)
    report = validate(folder)
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert report["valid"], errors[:5]
    # every table was read: the package lists them all
    names = {task["name"] for task in report["tasks"]}
    assert {"statuses", "commitments", "progress-country-pillar", "changes", "errata"} <= names


def test_frictionless_catches_a_changed_file(world, lock, client, tmp_path):
    """The check is real: a status edited after download fails both its checksum and, out of
    the 0-5 scale, its schema."""
    lock(world["p2024"], world["staff"])
    folder = download(client, tmp_path)
    path = folder / "csv/statuses.csv"
    path.write_bytes(path.read_bytes().replace(b"GTM-PRO-01,GTM,3,", b"GTM-PRO-01,GTM,7,"))
    report = validate(folder)
    assert not report["valid"]
    types = {e["type"] for task in report["tasks"] for e in task["errors"]}
    assert {"hash-count", "constraint-error"} <= types
