"""Every translatable string of the code and templates has its Spanish, and the catalogue shipped
is the one compiled from it (issue 11).

How: the project (without .venv, node_modules, .git) is copied to a temporary directory and
``makemessages -l es`` runs there exactly as the README says, merging the strings found today into
a copy of the committed ``django.po`` (so nothing in the worktree changes). The merged catalogue
must have no entry without a translation and none marked fuzzy: a new string, a changed one
(msgmerge guesses a fuzzy translation), or one whose old entry was left obsolete but is used again
all fail here. The committed ``.po`` must hold no fuzzy entry either, and ``django.mo`` must hold
exactly what ``msgfmt`` compiles from it (a ``.po`` edited but not compiled fails). The gettext
tools are the ones ``makemessages`` itself needs. About 5 seconds.
"""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SKIP = shutil.ignore_patterns(
    ".venv",
    "node_modules",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "media",
    "staticfiles",
    "test-artifacts",
    ".cache",
    "*.sqlite3",
    "*.pyc",
    "*.mo",
)


def entries(po_text: str) -> list[dict]:
    """The entries of a .po file: context, msgid, msgid_plural, msgstr(s), flags, obsolete."""
    found = []
    for block in po_text.split("\n\n"):
        entry: dict = {"flags": set(), "obsolete": False, "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                line = line[2:].strip()
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
                continue
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                value = json.loads(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
                continue
            key, _sep, rest = line.partition(" ")
            if key.startswith("msgstr"):
                entry["msgstr"].append(json.loads(rest))
                key = "msgstr"
            else:
                entry[key] = json.loads(rest)
        if "msgid" in entry and entry["msgid"]:
            found.append(entry)
    return found


def name(entry: dict) -> str:
    return (f"[{entry['msgctxt']}] " if "msgctxt" in entry else "") + entry["msgid"]


def problems(po_text: str) -> list[str]:
    """The active entries with no Spanish (an empty msgstr, or one plural form empty), fuzzy."""
    wrong = []
    for entry in entries(po_text):
        if entry["obsolete"]:
            continue
        if "fuzzy" in entry["flags"]:
            wrong.append(f"fuzzy: {name(entry)}")
        elif not entry["msgstr"] or not all(entry["msgstr"]):
            wrong.append(f"no Spanish: {name(entry)}")
    return wrong


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> str:
    """The committed catalogue merged with every string in the code and templates today."""
    copy = tmp_path_factory.mktemp("i18n") / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP, symlinks=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "es",
            "--no-location",
            "--ignore=.venv",
            "--ignore=node_modules",
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_DEV": "1", "PYTHONPATH": str(copy)},
        check=True,
        capture_output=True,
    )
    return (copy / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")


def test_every_string_in_code_and_templates_has_its_spanish(merged):
    wrong = problems(merged)
    assert not wrong, (
        "Run makemessages, translate these and compilemessages (README):\n" + "\n".join(wrong)
    )
    # the catalogue really holds the project's strings (the copy was read, not an empty tree)
    ids = {name(e) for e in entries(merged) if not e["obsolete"]}
    assert {
        "Demo data",
        "Synthetic demo data, not real reports",
        "[period state: not locked] Open",
    } <= ids


def test_the_committed_catalogue_has_no_fuzzy_or_empty_entry():
    assert problems(PO.read_text(encoding="utf-8")) == []


def test_the_compiled_catalogue_is_the_po_compiled(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as a, MO.open("rb") as b:
        expected, shipped = gettext.GNUTranslations(a)._catalog, gettext.GNUTranslations(b)._catalog
    stale = sorted(str(k) for k in set(expected) ^ set(shipped))
    stale += sorted(str(k) for k in set(expected) & set(shipped) if expected[k] != shipped[k])
    assert not stale, "compilemessages was not run after editing django.po: " + ", ".join(
        stale[:10]
    )


def test_the_checker_finds_a_missing_and_a_fuzzy_translation():
    """The test above can fail: an empty msgstr, an empty plural form and a fuzzy entry are
    reported, an obsolete one is not."""
    po = "\n\n".join(
        [
            'msgid ""\nmsgstr "Language: es\\n"',
            'msgid "Open"\nmsgstr ""',
            'msgid "%(n)s change"\nmsgid_plural "%(n)s changes"\n'
            'msgstr[0] "%(n)s cambio"\nmsgstr[1] ""',
            '#, fuzzy, python-format\nmsgid "Level %(n)s"\nmsgstr "Nivel %(n)s"',
            'msgctxt "period state: not locked"\nmsgid "Open"\nmsgstr "Abierto"',
            '#~ msgid "Gone"\n#~ msgstr ""',
        ]
    )
    assert problems(po) == [
        "no Spanish: Open",
        "no Spanish: %(n)s change",
        "fuzzy: Level %(n)s",
    ]


def test_the_spanish_spells_periodo_one_way():
    """Both spellings are correct Spanish, but the site used both on one page ("Estado al cierre
    del período" above "Tendencia a lo largo de los periodos"): the catalogue, and the Spanish
    headers of the matrix, write "período" throughout."""
    import re

    from spreadsheets.formats import COLUMNS, INDICATOR_COLUMNS

    unaccented = re.compile(r"\b[Pp]eriodos?\b")
    po = PO.read_text(encoding="utf-8")
    used = [e for e in entries(po) if not e["obsolete"]]
    found = [s for e in used for s in e["msgstr"] if unaccented.search(s)]
    found += [c.es for c in COLUMNS + INDICATOR_COLUMNS if unaccented.search(c.es)]
    assert found == []
