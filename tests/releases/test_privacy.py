"""A release holds only what the public may read: approved statuses, no user names, no
e-mail addresses, no review comments, no evidence files."""

from __future__ import annotations

from django.core.files.base import ContentFile

from statuses.models import StatusUpdate
from statuses.review import review
from statuses.services import StatusChange, record_many
from tests.releases.test_publish import files_of


def test_no_private_field_in_any_file(world, lock, client):
    staff, team, p2024 = world["staff"], world["team"], world["p2024"]
    # a returned submission with a review comment, and an evidence file on an approved status
    [returned] = record_many(
        [
            StatusChange(
                commitment=world["commitments"][0],
                status=5,
                narrative="SECRET-RETURNED-NARRATIVE",
                base_version=None,
            )
        ],
        period=p2024,
        user=team,
    )
    review(updates=[returned.pk], user=staff, approve=False, comment="SECRET-REVIEW-COMMENT")
    approved = StatusUpdate.objects.filter(commitment=world["commitments"][3], period=p2024).get()
    approved.evidence_file.save("refugee-list.pdf", ContentFile(b"%PDF names"), save=False)
    StatusUpdate.objects.filter(pk=approved.pk).update(evidence_file=approved.evidence_file.name)
    lock(p2024, staff)
    files = files_of(client, "2024", "1.0")
    secrets = [
        b"SECRET-PENDING-NARRATIVE",
        b"SECRET-RETURNED-NARRATIVE",
        b"SECRET-REVIEW-COMMENT",
        b"sofia",
        b"gtm-team",
        b"refugee-list",
        b"evidence/",
    ]
    emails = [b"sofia@example.org", b"team@example.org"]
    for name, content in files.items():
        if name.endswith(".zip"):
            continue  # compressed: its members are the files checked here
        for secret in secrets + emails:
            assert secret not in content, (name, secret)
    # the returned and pending submissions are not the public status: the approved one is
    statuses = files["json/statuses.json"].decode()
    assert '"status": 3' in statuses
