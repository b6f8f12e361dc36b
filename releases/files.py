"""The bytes of a release: CSV (UTF-8), the same tables as JSON, HXL-tagged copies, the
Frictionless ``datapackage.json``, a README, ``CITATION.cff`` and one zip of it all.

Pure functions of the tables and the release's metadata: no query, no clock (the date is the
release's), so the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from releases.tables import TABLES, Table

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
    ".cff": "application/x-yaml",
    ".zip": "application/zip",
}
SOURCES = [
    {
        "title": "MIRPS National Action Plans (2021)",
        "path": "https://mirps-platform.org/",
    },
    {"title": "MIRPS Annual Report 2024 (country indicators)"},
    {"title": "MIRPS newsletter, third annual meeting (2020): the quantification"},
    {"title": "Statuses reported by the national technical teams, approved by the secretariat"},
]


@dataclass(frozen=True)
class Meta:
    period: str
    version: str
    date: datetime  # when the release is published
    url: str  # its page
    commitments: int


def media_type(name: str) -> str:
    return next((t for ext, t in MEDIA_TYPES.items() if name.endswith(ext)), "text/plain")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def cell(value) -> str:
    """One value as written in the CSV (and compared in the errata): empty for None."""
    if value is None:
        return ""
    return str(value)


def csv_bytes(table: Table, rows: list[dict], *, hxl: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    if hxl:
        writer.writerow([c.hxl for c in table.columns])
    for row in rows:
        writer.writerow([cell(row.get(c.name)) for c in table.columns])
    return out.getvalue().encode("utf-8")


_NUMBER = re.compile(r'"\\u0000(-?[0-9]+(?:\.[0-9]+)?)\\u0001"')


def json_bytes(table: Table, rows: list[dict]) -> bytes:
    """A JSON array of objects, typed as in the schema: numbers kept as exact decimals (money
    never goes through a float)."""
    numbers = {c.name for c in table.columns if c.type == "number"}
    items = []
    for row in rows:
        item = {}
        for c in table.columns:
            value = row.get(c.name)
            if c.name in numbers and isinstance(value, str):
                value = f"\x00{value}\x01"  # marked, then written as a bare number below
            item[c.name] = value
        items.append(json.dumps(item, ensure_ascii=False))
    text = "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"
    return _NUMBER.sub(r"\1", text).encode("utf-8")


def _resource(table: Table, path: str, content: bytes) -> dict:
    return {
        "name": table.name.replace("_", "-"),
        "path": path,
        "title": table.title,
        "description": table.description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(content),
        "hash": f"sha256:{sha256(content)}",
        "schema": _schema(table),
    }


def _schema(table: Table) -> dict:
    schema = table.schema()
    for fk in schema.get("foreignKeys", []):
        fk["reference"]["resource"] = fk["reference"]["resource"].replace("_", "-")
    return schema


def license_descriptor() -> dict:
    return dict(settings.RELEASES_LICENSE)


def cite(period: str, version: str, day: date, url: str) -> str:
    """How to cite a release: the one line its files (README, CITATION.cff, datapackage.json)
    and its page give, in English as the files are, the same for every reader."""
    return (
        f"{settings.RELEASES_PUBLISHER}. {settings.RELEASES_TITLE}, period {period}, "
        f"version {version} ({day.isoformat()}). {url}"
    )


def citation(meta: Meta) -> str:
    return cite(meta.period, meta.version, meta.date.date(), meta.url)


def datapackage(meta: Meta, resources: list[dict], others: dict[str, bytes]) -> bytes:
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"mirps-commitments-{meta.period.lower()}",
        "id": meta.url,
        "title": f"{settings.RELEASES_TITLE}, {meta.period}, version {meta.version}",
        "description": (
            "Commitments of the MIRPS national action plans, their approved traffic-light "
            f"statuses as of the reporting period {meta.period}, progress by pillar, country, "
            "focus area and country x pillar with coverage and the share updated in the period, "
            "the country indicators and funding lines in force, and what changed. Published "
            "once, never changed: a correction is a new version with its errata."
        ),
        "version": meta.version,
        "created": meta.date.isoformat(timespec="seconds"),
        "homepage": meta.url,
        "licenses": [license_descriptor()],
        "sources": SOURCES,
        "contributors": [{"title": settings.RELEASES_PUBLISHER, "role": "publisher"}],
        "keywords": ["MIRPS", "refugees", "Central America", "Mexico", "commitments"],
        "resources": resources,
        # every other file of the release (JSON, HXL copies, README, citation), with its
        # checksum; the zip holds them all
        "mirps:files": [
            {"path": name, "bytes": len(content), "sha256": sha256(content)}
            for name, content in sorted(others.items())
        ],
        "mirps:citation": citation(meta),
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def citation_cff(meta: Meta) -> bytes:
    lic = settings.RELEASES_LICENSE.get("name", "")
    text = (
        "cff-version: 1.2.0\n"
        f'message: "If you use these data, please cite them as below: {citation(meta)}"\n'
        "type: dataset\n"
        f'title: "{settings.RELEASES_TITLE}, period {meta.period}"\n'
        f'version: "{meta.version}"\n'
        f"date-released: {meta.date.date().isoformat()}\n"
        f'url: "{meta.url}"\n'
        f'license: "{lic}"\n'
        "authors:\n"
        f'  - name: "{settings.RELEASES_PUBLISHER}"\n'
    )
    return text.encode("utf-8")


def readme(meta: Meta, tables: dict[str, list[dict]], release_info: dict) -> bytes:
    lic = settings.RELEASES_LICENSE
    lines = [
        f"# {settings.RELEASES_TITLE}: period {meta.period}, version {meta.version}",
        "",
        f"Published {meta.date.date().isoformat()} at {meta.url}",
        "",
        "These files never change. A correction to the period's figures is published as a",
        "new version (1.1, 1.2...) with its errata (errata.csv); every version stays",
        "downloadable at its own address.",
        "",
        "## How to cite",
        "",
        citation(meta),
        "",
        "(also in CITATION.cff)",
        "",
        "## Licence",
        "",
        f"{lic.get('title', lic.get('name'))} ({lic.get('path', '')})",
        "",
        "## Files",
        "",
        "Each table is in csv/ (UTF-8, comma-separated, with a header row), in json/ (an",
        "array of objects) and in hxl/ (the CSV with a second header row of HXL hashtags).",
        "datapackage.json describes every table (Frictionless table schema: types, constraints,",
        "keys) and gives the SHA-256 of every file.",
        "",
    ]
    for name, table in TABLES.items():
        lines.append(f"- {name}.csv ({len(tables.get(name, []))} rows): {table.description}")
    lines += [
        "",
        "## Reading the figures",
        "",
        "A commitment's status (0 not started ... 5 completed) as of the period is the latest",
        "approved status reported in the period or before; a commitment without one is not",
        "reported: its status is empty, never 0. A group's progress is the mean of status x 20 %",
        "over its reported commitments (empty when none is), beside its coverage (reported /",
        "commitments) and the share updated in the period itself (reporting_rate). Only what",
        "the public may read is here: approved statuses, published figures, no names of people.",
        "",
    ]
    if release_info.get("previous_version"):
        lines += [
            "## Errata",
            "",
            f"Changes from version {release_info['previous_version']}: "
            f"{release_info['errata_count']} figures (errata.csv).",
            f"Reason given: {release_info.get('reason') or '(none given)'}",
            "",
        ]
    return "\n".join(lines).encode("utf-8")


def zip_bytes(files: dict[str, bytes], meta: Meta, folder: str) -> bytes:
    """One zip of every file, under ``folder/``, with the release's date on each member."""
    stamp = meta.date.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()


def render(meta: Meta, tables: dict[str, list[dict]], release_info: dict) -> dict[str, bytes]:
    """Every file of the release: ``{path: bytes}`` (the zip included)."""
    files: dict[str, bytes] = {}
    resources = []
    others: dict[str, bytes] = {}
    for name, table in TABLES.items():
        rows = tables[name]
        content = csv_bytes(table, rows)
        files[f"csv/{name}.csv"] = content
        resources.append(_resource(table, f"csv/{name}.csv", content))
        others[f"json/{name}.json"] = json_bytes(table, rows)
        others[f"hxl/{name}.csv"] = csv_bytes(table, rows, hxl=True)
    others["README.md"] = readme(meta, tables, release_info)
    others["CITATION.cff"] = citation_cff(meta)
    files.update(others)
    files["datapackage.json"] = datapackage(meta, resources, others)
    files[f"mirps-{meta.period}-{meta.version}.zip"] = zip_bytes(
        files, meta, f"mirps-{meta.period}-{meta.version}"
    )
    return files
