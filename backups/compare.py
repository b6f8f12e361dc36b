"""Whether a database kept every row through an upgrade: two ``export_data`` archives compared,
one made before the upgrade (``old``) and one after it (``new``).

Every row of the old archive must be in the new one, field by field, once the old rows are read
in the current layout by the tables of ``backups.archive`` (``MOVED``, ``RENAMED_FIELDS``,
``MERGED``: the same reading ``import_data`` gives an older archive). A row is found by its
model and id; accounts and groups (keyed by name in archives) by their name; a merged row,
which gets a new id, by its content (every field its ``Merge`` writes). A field the new model
added is not a loss, nor a many-to-many link added; a field missing or holding another value
is, and so is a link missing. Every uploaded file must be in the new archive with the same
SHA-256. Rows only in the new archive are counted, not refused (a migration may add rows).

Used by ``scripts/upgrade_check.py`` (``make upgrade-check``); pure (reads the two ZIP files,
never the database), so the tests compare small archives of their own.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps

from backups.archive import DATA, MANIFEST, MERGED_FROM, upgrade_rows

# Models whose archived rows have no id (``use_natural_primary_keys``): found by these fields.
NATURAL_KEYS = {"auth.user": ("username",), "auth.group": ("name",)}
MEDIA = "media/"


@dataclass
class Archive:
    rows: list[dict]
    files: dict[str, str]  # media file name -> SHA-256 of its content
    manifest: dict


def read_archive(path) -> Archive:
    with zipfile.ZipFile(path) as archive:
        rows = json.loads(archive.read(DATA))
        manifest = json.loads(archive.read(MANIFEST))
        files = {
            name[len(MEDIA) :]: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name.startswith(MEDIA)
        }
    return Archive(rows=rows, files=files, manifest=manifest)


@dataclass
class Tally:
    """One model of the old archive: its rows, how many the new archive holds equal (under
    ``new_label``), and how many rows ``new_label`` has there."""

    old_label: str
    new_label: str
    old: int = 0
    found: int = 0
    new: int = 0


@dataclass
class Comparison:
    tallies: list[Tally]
    missing: dict[str, list[str]] = field(default_factory=dict)  # old label -> rows
    different: dict[str, list[str]] = field(default_factory=dict)  # old label -> field diffs
    files_missing: list[str] = field(default_factory=list)
    files_different: list[str] = field(default_factory=list)
    only_new: dict[str, int] = field(default_factory=dict)  # new label -> unmatched rows
    files_checked: int = 0
    unknown_labels: set[str] = field(default_factory=set)  # labels no model of this code has

    @property
    def ok(self) -> bool:
        return not (self.missing or self.different or self.files_missing or self.files_different)

    def table(self) -> str:
        """Rows per model, side by side: old archive, found in the new one, new archive."""
        width = max([len(t.old_label) for t in self.tallies] + [len("old model")])
        width_new = max([len(t.new_label) for t in self.tallies] + [len("new model")])
        lines = [f"  {'old model':<{width}}  {'new model':<{width_new}}  {'old':>6} "
                 f"{'found':>6} {'new':>6}"]  # fmt: skip
        for t in self.tallies:
            mark = "" if t.found == t.old else "   <-- rows lost or changed"
            lines.append(
                f"  {t.old_label:<{width}}  {t.new_label:<{width_new}}  {t.old:>6} "
                f"{t.found:>6} {t.new:>6}{mark}"
            )
        return "\n".join(lines)

    def report(self, limit: int = 10) -> str:
        lines = ["Rows per model (old archive, found in the new one, new archive):", self.table()]
        lines.append(
            f"Files: {self.files_checked} in the old archive, "
            f"{self.files_checked - len(self.files_missing) - len(self.files_different)} "
            "found identical (SHA-256)."
        )
        sections = [
            ("Rows of the old archive missing from the new one", self.missing),
            ("Rows found with fields that differ (old → new)", self.different),
        ]
        for title, by_label in sections:
            if by_label:
                lines.append(f"{title}:")
                for label, items in sorted(by_label.items()):
                    lines.append(f"  {label}: {len(items)}")
                    lines += [f"    {item}" for item in items[:limit]]
                    if len(items) > limit:
                        lines.append(f"    … and {len(items) - limit} more")
        for title, names in [
            ("Files missing from the new archive", self.files_missing),
            ("Files whose content differs", self.files_different),
        ]:
            if names:
                lines.append(f"{title}: " + ", ".join(names[:limit]))
        gone = [t.new_label for t in self.tallies if t.new_label in self.unknown_labels]
        if gone:
            lines.append(
                f"Not a model of this code: {', '.join(gone)}. If it moved or was merged, say "
                "where in MOVED or MERGED of backups/archive.py (README: When a model moves)."
            )
        if self.only_new:
            extra = ", ".join(f"{label} {n}" for label, n in sorted(self.only_new.items()))
            lines.append(f"Rows only in the new archive (not a loss): {extra}")
        lines.append("Every row and file found." if self.ok else "Rows or files were LOST.")
        return "\n".join(lines)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _key(row: dict) -> tuple:
    label = row["model"].lower()
    if row.get("pk") is not None:
        return ("pk", _canonical(row["pk"]))
    if label in NATURAL_KEYS:
        return ("natural", *(_canonical(row["fields"].get(f)) for f in NATURAL_KEYS[label]))
    return ("content", _canonical(row["fields"]))


def _many_to_many(label: str) -> set[str]:
    """The many-to-many fields of ``label`` in the current code: every link of the old row must
    be among the new row's, in any order (the new version may add some, e.g. a group's new
    permissions); none for a label the code does not know."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return set()
    return {f.name for f in model._meta.many_to_many}


def _is_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def _same(old, new, links: bool) -> bool:
    if links and isinstance(old, list) and isinstance(new, list):
        return set(map(_canonical, old)) <= set(map(_canonical, new))
    return _canonical(old) == _canonical(new)


def _short(value, length: int = 80) -> str:
    text = _canonical(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _name(row: dict) -> str:
    label = row["model"].lower()
    if row.get("pk") is not None:
        return f"{label} pk={row['pk']}"
    if label in NATURAL_KEYS:
        return f"{label} " + " ".join(str(row["fields"].get(f)) for f in NATURAL_KEYS[label])
    return label


def _field_diffs(old: dict, new: dict, label: str) -> list[str]:
    m2m = _many_to_many(label)
    diffs = []
    for name, value in old["fields"].items():
        if name not in new["fields"]:
            diffs.append(f"{name}: {_short(value)} → (no such field)")
        elif not _same(value, new["fields"][name], name in m2m):
            diffs.append(f"{name}: {_short(value)} → {_short(new['fields'][name])}")
    return diffs


# A date and time, or a time, with or without a fraction of a second, as archives write them
TIME = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?$"
)


def _to_milliseconds(value):
    """A field's value at the precision of an archive of format version 1, always written with
    three decimals: Django's JSON encoder cut times to the millisecond, so 01:23:58.000500 was
    written ``01:23:58.000``, imported as 01:23:58 and exported again as ``01:23:58``; both
    sides read ``01:23:58.000`` here."""
    if isinstance(value, str) and (match := TIME.match(value)):
        whole, fraction, zone = match.groups()
        return f"{whole}.{(fraction or '').ljust(3, '0')[:3]}{zone or ''}"
    return value


def _in_milliseconds(archive: Archive) -> Archive:
    rows = [
        {**row, "fields": {k: _to_milliseconds(v) for k, v in row["fields"].items()}}
        for row in archive.rows
    ]
    return Archive(rows=rows, files=archive.files, manifest=archive.manifest)


def compare(old: Archive, new: Archive) -> Comparison:
    """Every row and file of ``old`` looked for in ``new`` (see the module's docstring); times
    compared to the millisecond when ``old`` is of format version 1, which kept no more."""
    if old.manifest.get("version") == 1:
        old, new = _in_milliseconds(old), _in_milliseconds(new)
    new_rows: dict[tuple, dict] = {}
    new_counts: dict[str, int] = defaultdict(int)
    for row in new.rows:
        label = row["model"].lower()
        new_rows[(label, _key(row))] = row
        new_counts[label] += 1
    matched: set[tuple] = set()
    tallies: dict[str, Tally] = {}
    result = Comparison(tallies=[])
    merged: list[tuple[str, dict]] = []
    for original, row in zip(old.rows, upgrade_rows(old.rows), strict=True):
        old_label, label = original["model"].lower(), row["model"].lower()
        tally = tallies.setdefault(old_label, Tally(old_label, label))
        tally.old += 1
        if MERGED_FROM in row:
            merged.append((old_label, row))
            continue
        found = new_rows.get((label, _key(row)))
        if found is None:
            result.missing.setdefault(old_label, []).append(
                f"{_name(row)}: {_short(row['fields'], 120)}"
            )
            continue
        matched.add((label, _key(row)))
        diffs = _field_diffs(row, found, label)
        if diffs:
            result.different.setdefault(old_label, []).append(f"{_name(row)}: " + "; ".join(diffs))
        else:
            tally.found += 1
    _match_merged(merged, new.rows, matched, tallies, result)
    for tally in tallies.values():
        tally.new = new_counts.get(tally.new_label, 0)
        if not _is_model(tally.new_label):
            result.unknown_labels.add(tally.new_label)
    result.tallies = sorted(tallies.values(), key=lambda t: t.old_label)
    unmatched: dict[str, int] = defaultdict(int)
    for key in new_rows.keys() - matched:
        unmatched[key[0]] += 1
    result.only_new = dict(unmatched)
    for name, digest in sorted(old.files.items()):
        result.files_checked += 1
        if name not in new.files:
            result.files_missing.append(name)
        elif new.files[name] != digest:
            result.files_different.append(name)
    return result


def _match_merged(merged, rows, matched: set, tallies: dict, result: Comparison) -> None:
    """Find each merged row in its new model by content: a row of that model, not matched by
    id to an old row of its own, holding every field the merge wrote with the same value. Each
    new row answers for one old row."""
    by_shape: dict[tuple, list[tuple[str, dict]]] = defaultdict(list)
    for old_label, row in merged:
        by_shape[(row["model"].lower(), tuple(sorted(row["fields"])))].append((old_label, row))
    for (label, names), items in by_shape.items():
        pool: dict[str, list[tuple]] = defaultdict(list)
        for row in rows:
            key = (label, _key(row))
            if row["model"].lower() != label or key in matched:
                continue
            if all(n in row["fields"] for n in names):
                pool[_canonical({n: row["fields"][n] for n in names})].append(key)
        for old_label, row in items:
            candidates = pool.get(_canonical(row["fields"]))
            if candidates:
                matched.add(candidates.pop())
                tallies[old_label].found += 1
            else:
                result.missing.setdefault(old_label, []).append(
                    f"{old_label} (merged into {label}, no row with the same content): "
                    f"{_short(row['fields'], 120)}"
                )
