"""The corpus: every file under ``files/`` against its line in ``files/expected.json``.

For each file (written by the app and edited with openpyxl, saved again by LibreOffice, made by
hand, or crafted to be hostile; see ``make_corpus.py``): no response of 500 or more; the
preview gives exactly the problems (sheet, row, column, code), ignored rows and file problems
the table states; the tally adds up and matches the table; no row is silently dropped; "apply"
writes exactly what the table states or nothing at all; "apply the valid rows" (where the
table asks for it) writes the valid rows only and is recorded on the upload.

The plans and the two users are loaded once for the module (inside a transaction rolled back
at its end); each file runs in its own savepoint, so the corpus stays fast on both databases.
"""

import pytest
from django.db import transaction
from django.test import Client, override_settings

from commitments.models import SpreadsheetUpload
from commitments.services import load_plans
from indicators.loading import load_indicators

from .corpus import load_expected, make_users, run

EXPECTED = load_expected()


@pytest.fixture(scope="module")
def corpus_users(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        load_plans()
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
    from .corpus import FILES

    files = {p.name for p in FILES.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 100
    kinds = {name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name in files}
    assert {"lo.xlsx"} <= kinds  # saved by LibreOffice as .xlsx
    assert any(name.endswith(".ods") for name in files)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, corpus_users):
    case = EXPECTED[name]
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
