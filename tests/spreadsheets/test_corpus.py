"""The corpus: every file under ``files/`` against its line in ``files/expected.json``.

For each file (written by the app and edited with openpyxl, saved again by LibreOffice, made by
hand, or crafted to be hostile; see ``make_corpus.py``): no response of 500 or more; the
preview gives exactly the problems (sheet, row, column, code), ignored rows and file problems
the table states; the tally adds up and matches the table; no row is silently dropped; "apply"
writes exactly what the table states or nothing at all; "apply the valid rows" (where the
table asks for it) writes the valid rows only and is recorded on the upload.

The plans and the two users are loaded once for the module (inside a transaction rolled back
at its end); each file runs in its own savepoint, so the corpus stays fast on both databases.

Most files exist in two to four formats with the same content (written by the app as .xlsx,
saved again by LibreOffice as .xlsx and .ods, or as .csv). The upload's preview and what
"apply" writes are a function of what the reader reads (the sheets, their rows, cells with
their types, hidden rows and columns, merged ranges, notes) and of the case (person, period,
set-up, corrections). So the checks that do not depend on the format run once per content:
for a file whose twin in the first format of its group (``TWIN``) reads into exactly the same
sheets, cell types included, and whose line in ``expected.json`` is the twin's, the test
checks just that, plus the format's own check (for .xlsx, a second reader finds as many rows);
the twin's test runs the whole upload. A file that reads differently, or expects differently,
runs the whole upload itself.
"""

import pytest
from django.db import transaction
from django.test import Client, override_settings

from indicators.loading import load_indicators
from spreadsheets.models import SpreadsheetUpload
from spreadsheets.reading import Rejected, read
from tests.plans import loaded_plans
from tests.spreadsheets.corpus import FILES, _openpyxl_rows, load_expected, make_users, run

EXPECTED = load_expected()
FORMATS = (".xlsx", ".lo.xlsx", ".ods", ".csv")  # the first of a group present is its twin


def _content(name: str) -> str:
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _twins() -> dict[str, str]:
    """Each file whose content also exists in an earlier format: the file of that format."""
    groups: dict[str, list[str]] = {}
    for name in EXPECTED:
        if _content(name) != name:
            groups.setdefault(_content(name), []).append(name)
    order = {suffix: n for n, suffix in enumerate(FORMATS)}
    twins = {}
    for names in groups.values():
        names.sort(key=lambda n: order[n[len(_content(n)) :]])
        twins |= {name: names[0] for name in names[1:]}
    return twins


TWIN = _twins()


def _typed(sheets) -> list:
    """The sheets as read, every cell with its type (1 and 1.0 are not the same cell here)."""
    return [
        (
            sheet.name, sheet.hidden, sheet.kind, sorted(sheet.hidden_columns), sheet.cut_column,
            sheet.merged, sheet.notes,
            [(r.number, r.hidden, r.cut, [(type(v).__name__, repr(v)) for v in r.values])
             for r in sheet.rows],
        )
        for sheet in sheets
    ]  # fmt: skip


def _reads_as(name: str):
    try:
        return _typed(read((FILES / name).read_bytes()))
    except Rejected as refused:
        return ("rejected", refused.code)


@pytest.fixture(scope="module")
def corpus_users(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        loaded_plans()
        load_indicators()
        users = make_users()
        yield users
        transaction.set_rollback(True)


def _mapping(preview: dict) -> dict[str, dict[str, str]]:
    return {
        sheet: {cell["key"]: cell["column"] for cell in columns["cells"] if cell.get("key")}
        for sheet, columns in preview.get("columns", {}).items()
    }


def test_the_corpus_is_large_enough_and_complete():
    from tests.spreadsheets.corpus import FILES

    files = {p.name for p in FILES.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 100
    kinds = {name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name in files}
    assert {"lo.xlsx"} <= kinds  # saved by LibreOffice as .xlsx
    assert any(name.endswith(".ods") for name in files)


def test_every_content_runs_the_whole_upload_in_one_format_at_least():
    assert set(TWIN.values()).isdisjoint(TWIN)  # a twin is never itself another's twin
    assert len(TWIN) >= 60  # the .lo.xlsx, .ods and .csv copies of the app's own files


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, corpus_users):
    case = EXPECTED[name]
    twin = TWIN.get(name)
    if twin and EXPECTED[twin] == case:
        content = _reads_as(name)
        if content[0] != "rejected" and content == _reads_as(twin):
            # the same sheets, cells and expectations as its twin, whose test runs the whole
            # upload (the preview and the writes follow from these); the format's own check:
            if name.endswith(".xlsx"):  # a second reader finds as many rows in every sheet
                ours = {sheet[0]: len(sheet[-1]) for sheet in content}
                theirs = _openpyxl_rows((FILES / name).read_bytes())
                assert theirs == {title: ours.get(title, 0) for title in theirs}
            return
    outcome = run(name, case, corpus_users, Client(HTTP_ACCEPT_LANGUAGE="en"))

    assert outcome.server_errors == []
    assert not outcome.partial, "a refused apply wrote something"
    if case["rejected"]:
        assert (outcome.state, outcome.rejected) == ("rejected", case["rejected"])
        assert outcome.written_all == {}
        return
    preview = outcome.preview
    assert outcome.state in ("applied", "previewed")
    assert [p["code"] for p in preview["file_problems"]] == case["file_problems"]
    problems = sorted([p["sheet"], p["row"], p["column"], p["code"]] for p in preview["problems"])
    assert problems == case["problems"]
    ignored = sorted([i["sheet"], i["row"], i["code"]] for i in preview["ignored"])
    assert ignored == case["ignored"]
    tally = preview["tally"]
    assert tally["read"] == (
        tally["changed"] + tally["unchanged"] + tally["problem_rows"] + tally["ignored"]
    )
    assert tally == case["tally"]
    assert outcome.silent_drops == 0
    for sheet, expected in (case["columns"] or {}).items():
        found = _mapping(preview)[sheet]
        assert {key: found.get(key) for key in expected} == expected
    if case["sheets"]:
        assert {s["name"]: s["role"] for s in preview["sheets"]} == case["sheets"]

    # all or nothing (statuses and, for the indicators sheet's cases, indicator values)
    assert outcome.written_all == case["written"]
    if case.get("indicators") is not None:
        assert outcome.indicators_all == case["indicators"]
    if case["refused"]:
        assert outcome.refused_all == case["refused"]
    # the valid rows, skipping the listed ones, only when chosen (and then recorded)
    if case["valid_rows"] is not None:
        assert outcome.written_valid == case["valid_rows"]
        upload = SpreadsheetUpload.objects.get(original_name=name)
        if case["valid_rows"]:
            assert (upload.state, upload.mode) == ("applied", "valid_rows")
            assert upload.skipped == tally["problem_rows"] + (
                tally["changed"] - len(case["valid_rows"])
            )
