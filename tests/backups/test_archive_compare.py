"""The comparison of the upgrade check (``backups.compare``, run by ``make upgrade-check``
on a real upgrade): on small archives of our own, every row of the old archive is found in the
new one, or the missing row, the changed field, the missing file is named; a model that moved
is found under its new label through ``backups.archive.MOVED`` (and not without it), a merged model
by its content."""

import hashlib
import json
import zipfile

import pytest

from backups import archive as backup
from backups.compare import compare, read_archive

PERIOD = {"model": "commitments.reportingperiod", "pk": 3, "fields": {"code": "2024"}}
STATUS = {
    "model": "commitments.statusupdate",
    "pk": 7,
    "fields": {"period": 3, "status": 2, "narrative": "Hecho", "created_by": ["gabriel"]},
}
USER = {"model": "auth.user", "fields": {"username": "gabriel", "email": "g@example.org"}}
EVIDENCE = {"evidence/acta.pdf": b"%PDF-1.4 acta"}


def write(path, rows, files=None):
    """An archive as export_data writes one, as far as the comparison reads it."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(backup.DATA, json.dumps(rows))
        archive.writestr(backup.MANIFEST, json.dumps({"format": backup.FORMAT}))
        for name, content in (files or {}).items():
            archive.writestr(f"media/{name}", content)
    return read_archive(path)


@pytest.fixture(autouse=True)
def _tables_of_the_test_only(monkeypatch):
    # these archives are synthetic: each test states the moves it reads them with (the real
    # tables, for issue 20's moves, are checked by ``make upgrade-check``)
    monkeypatch.setattr(backup, "MOVED", {})
    monkeypatch.setattr(backup, "RENAMED_FIELDS", {})
    monkeypatch.setattr(backup, "MERGED", {})


@pytest.fixture
def pair(tmp_path):
    def make(old_rows, new_rows, old_files=EVIDENCE, new_files=EVIDENCE):
        old = write(tmp_path / "old.zip", old_rows, old_files)
        new = write(tmp_path / "new.zip", new_rows, new_files)
        return compare(old, new)

    return make


def moved(row, label):
    return {**row, "model": label}


def test_identical_archives_find_every_row_and_file(pair):
    result = pair([PERIOD, STATUS, USER], [PERIOD, STATUS, USER])
    assert result.ok
    assert [(t.old_label, t.old, t.found, t.new) for t in result.tallies] == [
        ("auth.user", 1, 1, 1),
        ("commitments.reportingperiod", 1, 1, 1),
        ("commitments.statusupdate", 1, 1, 1),
    ]
    assert result.files_checked == 1
    assert "Every row and file found." in result.report()


def test_a_missing_row_is_named(pair):
    result = pair([PERIOD, STATUS, USER], [PERIOD, USER])
    assert not result.ok
    assert result.missing == {
        "commitments.statusupdate": [
            'commitments.statusupdate pk=7: {"created_by": ["gabriel"], "narrative": "Hecho", '
            '"period": 3, "status": 2}'
        ]
    }
    report = result.report()
    assert "missing from the new one" in report and "commitments.statusupdate pk=7" in report
    assert "rows lost or changed" in result.table()


def test_a_missing_account_is_named_by_its_username(pair):
    result = pair([PERIOD, USER], [PERIOD])
    assert list(result.missing) == ["auth.user"]
    assert result.missing["auth.user"][0].startswith("auth.user gabriel:")


def test_a_changed_field_is_shown_old_and_new(pair):
    changed = {**STATUS, "fields": {**STATUS["fields"], "narrative": "Hecho a medias"}}
    result = pair([PERIOD, STATUS], [PERIOD, changed])
    assert not result.ok and not result.missing
    assert result.different == {
        "commitments.statusupdate": [
            'commitments.statusupdate pk=7: narrative: "Hecho" → "Hecho a medias"'
        ]
    }


def test_a_field_gone_is_a_loss_a_field_added_is_not(pair):
    fewer = {**STATUS, "fields": {k: v for k, v in STATUS["fields"].items() if k != "status"}}
    assert pair([STATUS], [fewer]).different == {
        "commitments.statusupdate": ["commitments.statusupdate pk=7: status: 2 → (no such field)"]
    }
    more = {**STATUS, "fields": {**STATUS["fields"], "late": False}}
    assert pair([STATUS], [more]).ok


def test_rows_only_in_the_new_archive_are_counted_not_refused(pair):
    result = pair([PERIOD], [PERIOD, STATUS])
    assert result.ok
    assert result.only_new == {"commitments.statusupdate": 1}


def test_a_missing_or_changed_file_is_named(pair):
    assert pair([PERIOD], [PERIOD], new_files={}).files_missing == ["evidence/acta.pdf"]
    result = pair([PERIOD], [PERIOD], new_files={"evidence/acta.pdf": b"%PDF-1.4 other"})
    assert result.files_different == ["evidence/acta.pdf"] and not result.ok


def test_a_moved_model_is_found_under_its_new_label_through_the_table(pair, monkeypatch):
    old = [PERIOD, STATUS]
    new = [moved(PERIOD, "periods.reportingperiod"), moved(STATUS, "statuses.statusupdate")]
    without = pair(old, new)
    assert set(without.missing) == {"commitments.reportingperiod", "commitments.statusupdate"}

    monkeypatch.setattr(
        backup,
        "MOVED",
        {
            "commitments.reportingperiod": "periods.reportingperiod",
            "commitments.statusupdate": "statuses.statusupdate",
        },
    )
    result = pair(old, new)
    assert result.ok
    assert [(t.old_label, t.new_label, t.found) for t in result.tallies] == [
        ("commitments.reportingperiod", "periods.reportingperiod", 1),
        ("commitments.statusupdate", "statuses.statusupdate", 1),
    ]
    # the table finds rows; it does not excuse a change
    changed = moved(
        {**STATUS, "fields": {**STATUS["fields"], "status": 3}}, "statuses.statusupdate"
    )
    assert list(pair(old, [new[0], changed]).different) == ["commitments.statusupdate"]


def test_a_renamed_field_is_compared_under_its_new_name(pair, monkeypatch):
    monkeypatch.setattr(backup, "MOVED", {"commitments.statusupdate": "statuses.statusupdate"})
    monkeypatch.setattr(
        backup, "RENAMED_FIELDS", {"commitments.statusupdate": {"narrative": "text"}}
    )
    fields = {**STATUS["fields"]}
    fields["text"] = fields.pop("narrative")
    new = {"model": "statuses.statusupdate", "pk": 7, "fields": fields}
    assert pair([STATUS], [new]).ok


def test_content_types_and_permissions_follow_a_moved_model(pair, monkeypatch):
    log = {
        "model": "admin.logentry",
        "pk": 1,
        "fields": {"content_type": ["commitments", "reportingperiod"], "object_id": "3"},
    }
    group = {
        "model": "auth.group",
        "fields": {
            "name": "Secretariat",
            "permissions": [
                ["change_reportingperiod", "commitments", "reportingperiod"],
                ["view_country", "countries", "country"],
            ],
        },
    }
    monkeypatch.setattr(backup, "MOVED", {"commitments.reportingperiod": "periods.reportingperiod"})
    new_log = {**log, "fields": {**log["fields"], "content_type": ["periods", "reportingperiod"]}}
    new_group = {
        "model": "auth.group",
        "fields": {
            "name": "Secretariat",
            # in another order, and with a permission the new version added: nothing lost
            "permissions": [
                ["view_country", "countries", "country"],
                ["lock_period", "periods", "reportingperiod"],
                ["change_reportingperiod", "periods", "reportingperiod"],
            ],
        },
    }
    assert pair([log, group], [new_log, new_group]).ok
    # the admin's log still pointing at the old app: its link to the model is lost
    assert list(pair([log, group], [log, new_group]).different) == ["admin.logentry"]
    # a permission of the group lost in the move
    fewer = {"model": "auth.group", "fields": {"name": "Secretariat", "permissions": [
        ["view_country", "countries", "country"]]}}  # fmt: skip
    assert list(pair([group], [fewer]).different) == ["auth.group"]


def indicator_event(pk, action, value):
    return {
        "model": "indicators.indicatorevent",
        "pk": pk,
        "fields": {"action": action, "value": value, "indicator": 4, "at": "2025-01-02T10:00Z"},
    }


def as_change(fields):
    """The kind of transform a merge writes: the row as the new model holds it."""
    return {
        "action": f"value_{fields['action']}",
        "indicator_value": fields["value"],
        "indicator": fields["indicator"],
        "at": fields["at"],
    }


def change_event(pk, action, value):
    fields = {"action": action, "indicator_value": value, "indicator": 4, "period": None}
    return {"model": "audit.changeevent", "pk": pk, "fields": {**fields, "at": "2025-01-02T10:00Z"}}


def test_merged_rows_are_found_by_content_not_by_id(pair, monkeypatch):
    monkeypatch.setattr(
        backup,
        "MERGED",
        {"indicators.indicatorevent": backup.Merge("audit.changeevent", as_change)},
    )
    monkeypatch.setattr(backup, "MOVED", {"commitments.changeevent": "audit.changeevent"})
    status_event = {"model": "commitments.changeevent", "pk": 1, "fields": {"action": "approved"}}
    old = [status_event, indicator_event(1, "approved", 10), indicator_event(2, "returned", 11)]
    # the merged rows were given ids after the events already there, in another order
    new = [
        moved(status_event, "audit.changeevent"),
        change_event(2, "value_returned", 11),
        change_event(3, "value_approved", 10),
    ]
    result = pair(old, new)
    assert result.ok, result.report()
    assert [(t.old_label, t.new_label, t.old, t.found, t.new) for t in result.tallies] == [
        ("commitments.changeevent", "audit.changeevent", 1, 1, 3),
        ("indicators.indicatorevent", "audit.changeevent", 2, 2, 3),
    ]
    # one merged row lost (two old rows cannot both be found in one new row)
    result = pair(old + [indicator_event(3, "approved", 10)], new)
    assert result.missing["indicators.indicatorevent"][0].startswith(
        "indicators.indicatorevent (merged into audit.changeevent, no row with the same content)"
    )
    # a merged row whose content changed is not found either
    new[2] = change_event(3, "value_approved", 12)
    assert list(pair(old, new).missing) == ["indicators.indicatorevent"]


def test_the_archives_files_are_hashed_as_stored(tmp_path):
    archive = write(tmp_path / "a.zip", [PERIOD], EVIDENCE)
    assert archive.files == {"evidence/acta.pdf": hashlib.sha256(b"%PDF-1.4 acta").hexdigest()}
    assert archive.manifest == {"format": backup.FORMAT}


def test_permissions_of_a_merged_model_become_those_of_the_model_it_joined(monkeypatch):
    monkeypatch.setattr(
        backup, "MERGED", {"indicators.indicatorevent": backup.Merge("audit.changeevent", dict)}
    )
    group = {"model": "auth.group", "fields": {"name": "Secretariat", "permissions": [
        ["view_indicatorevent", "indicators", "indicatorevent"],
        ["view_indicator", "indicators", "indicator"]]}}  # fmt: skip
    [upgraded] = backup.upgrade_rows([group])
    assert upgraded["fields"]["permissions"] == [
        ["view_changeevent", "audit", "changeevent"],
        ["view_indicator", "indicators", "indicator"],
    ]
    assert upgraded["model"] == "auth.group" and backup.MERGED_FROM not in upgraded


def test_a_label_no_model_has_any_more_is_pointed_out(pair):
    old = {"model": "commitments.oldtally", "pk": 1, "fields": {"stated": 7}}
    new = {"model": "commitments.newtally", "pk": 1, "fields": {"stated": 7}}
    country = {"model": "countries.country", "pk": 1, "fields": {"iso3": "GTM"}}
    result = pair([country, old], [country, new])
    assert result.unknown_labels == {"commitments.oldtally"}
    assert "Not a model of this code: commitments.oldtally. If it moved" in result.report()
    assert result.only_new == {"commitments.newtally": 1}
