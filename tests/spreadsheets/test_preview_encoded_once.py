"""The preview is encoded once: the text ``storable``'s check made is the text stored."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from spreadsheets import importer
from spreadsheets.models import Encoded, PreviewEncoder, SpreadsheetUpload


def test_the_checked_text_is_the_stored_one(people, period, monkeypatch):
    data = b"Code,New status,Narrative\nGTM-PRO-01,3,ok \xc3\xa7\nGTM-PRO-02,9,x\n"
    encoded = []
    real = PreviewEncoder.encode

    def spy(self, o):
        text = real(self, o)
        encoded.append((type(o), text))
        return text

    monkeypatch.setattr(PreviewEncoder, "encode", spy)
    upload = importer.create_upload(data=data, name="m.csv", user=people["gabriel"], period=period)
    assert type(upload.preview) is Encoded
    # one encoding written: the very text the check made, not a second encoding
    assert encoded == [(Encoded, upload.preview.text)]
    assert encoded[0][1] is upload.preview.text
    stored = SpreadsheetUpload.objects.get(pk=upload.pk).preview
    assert stored == json.loads(upload.preview.text) == json.loads(json.dumps(upload.preview))
    assert stored["tally"]["read"] == 2


def test_a_changed_preview_is_encoded_again(people, period):
    upload = importer.create_upload(
        data=b"Code,New status,Narrative\nGTM-PRO-01,3,ok\n",
        name="m.csv",
        user=people["gabriel"],
        period=period,
    )
    upload.preview["note"] = "added"
    assert upload.preview.text is None
    with CaptureQueriesContext(connection):
        upload.save()
    assert SpreadsheetUpload.objects.get(pk=upload.pk).preview["note"] == "added"
    ordinary = {"a": [1, "b"]}
    assert importer.storable(ordinary) is ordinary
    kept = importer.kept_preview({"a": ["x\x00", float("nan")]})
    assert kept == {"a": ["x\ufffd", "nan"]} and json.loads(kept.text) == kept
