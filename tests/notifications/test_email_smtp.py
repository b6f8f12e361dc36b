"""E-mails delivered to a real SMTP server (aiosmtpd, started by the tests on a local port):
the right people, in their language, with working links, and never twice."""

import datetime as dt
import re

from django.core.management import call_command
from django.utils import timezone

from commitments.models import Commitment
from notifications import cycle
from notifications.models import EmailState, Notification, Preference
from statuses.review import review
from statuses.services import record_status

SITE = "https://monitor.example.org"


def _subject(message) -> str:
    return " ".join(str(message["Subject"]).split())  # unfolded


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(body: str, start: str) -> str:
    """The path of the first link in ``body`` that starts with SITE + ``start``."""
    match = re.search(re.escape(SITE + start) + r"\S*", body)
    assert match, f"no link to {start} in:\n{body}"
    return match.group(0)[len(SITE) :]


def test_reminders_go_to_the_right_people_once_in_their_language(
    cast, period, smtp, client, settings, capsys
):
    settings.NOTIFICATIONS_DIGEST_HOUR = 0  # digests are due at any hour in this test
    now = timezone.now()
    # Given the period was opened 10 days ago (17 days before its deadline): teams were told.
    cycle.run(now=now - dt.timedelta(days=10))
    opened = {_subject(m) for _s, _r, m in smtp.received}
    assert opened == {
        "[MIRPS] Reporting period 2025 is open",
        "[MIRPS] El período de reporte 2025 está abierto",
    }
    assert len(smtp.received) == 3  # gabriel, belinda, hugo; olga has no address
    # and Guatemala has since submitted one commitment.
    record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-01"),
        period=period,
        status=2,
        narrative="Protocol drafted",
        user=cast["gabriel"],
    )
    smtp.received.clear()

    # When send_reminders runs, 7 days before the deadline, twice (as cron would, hourly).
    call_command("send_reminders")
    first = list(smtp.received)
    call_command("send_reminders")
    assert "0 notifications made (none due)" in capsys.readouterr().out

    # Then nothing was sent twice: the second run added no e-mail.
    assert smtp.received == first
    assert all(len(rcpts) == 1 for _sender, rcpts, _m in first)

    # Gabriel (Guatemala) gets the 7-day reminder in Spanish, listing what is not updated.
    (gabriel,) = smtp.to("gabriel@example.org")
    assert _subject(gabriel) == "[MIRPS] Quedan 7 días para reportar 2025"
    assert gabriel["Content-Language"] == "es"
    body = _body(gabriel)
    assert "Guatemala: 29 de 30 compromisos sin actualizar" in body
    assert "GTM-PRO-02" in body and not re.search(r"GTM-PRO-01\b", body)
    # its link opens the country's list of what is missing
    client.force_login(cast["gabriel"])
    page = client.get(_link(body, "/workspace/tracker/GTM/"))
    assert page.status_code == 200 and "GTM-PRO-02" in page.content.decode()

    # Belinda (Belize) in English; Hugo (Honduras) in English because he chose it.
    (belinda,) = smtp.to("belinda@example.org")
    assert _subject(belinda) == "[MIRPS] 7 days left to report for 2025"
    assert "Belize: 10 of 10 commitments not yet updated" in _body(belinda)
    (hugo,) = smtp.to("hugo@example.org")
    assert _subject(hugo) == "[MIRPS] 7 days left to report for 2025"
    assert "HND-PRO-01" in _body(hugo) and "GTM-" not in _body(hugo)

    # Sofia (secretariat): the six countries that sent nothing, and the waiting digest.
    sofia = {_subject(m) for m in smtp.to("sofia@example.org")}
    assert "[MIRPS] Honduras no ha reportado nada para 2025" in sofia
    assert "[MIRPS] 1 envío espera revisión" in sofia
    assert len(sofia) == 7 and not any("Guatemala" in s for s in sofia)

    # Olga has no address: told in the app only, and the record says why.
    olga = Notification.objects.get(recipient=cast["olga"], key="reminder:2025:7")
    assert (olga.email_state, olga.email_note) == (EmailState.SKIPPED, "no e-mail address")
    sent = Notification.objects.filter(email_state=EmailState.SENT)
    assert sent.count() == 3 + len(first)  # every e-mail sent is recorded once

    # Every e-mail carries the unsubscribe link; Hugo uses it (mail programs POST it).
    unsubscribe = "".join(str(hugo["List-Unsubscribe"]).split()).strip("<>")
    assert unsubscribe in _body(hugo)
    assert client.post(unsubscribe[len(SITE) :]).status_code == 200
    assert Preference.objects.get(user=cast["hugo"]).email_reminders is False

    # Six days later (1 day left): Gabriel is e-mailed again, Hugo is told in the app only.
    smtp.received.clear()
    cycle.run(now=now + dt.timedelta(days=6))
    assert [_subject(m) for m in smtp.to("gabriel@example.org")] == [
        "[MIRPS] Queda 1 día para reportar 2025"
    ]
    assert smtp.to("hugo@example.org") == []
    last = Notification.objects.get(recipient=cast["hugo"], key="reminder:2025:1")
    assert last.email_state == EmailState.SKIPPED


def test_a_returned_submission_is_emailed_at_once_with_a_link_to_the_filled_form(
    cast, period, smtp, client, django_capture_on_commit_callbacks
):
    gabriel, sofia = cast["gabriel"], cast["sofia"]
    update = record_status(
        commitment=Commitment.objects.get(code="GTM-PRO-02"),
        period=period,
        status=3,
        narrative="Forty delegates trained in Petén",
        evidence_url="https://example.org/training-report",
        user=gabriel,
    )
    with django_capture_on_commit_callbacks(execute=True):
        review(updates=[update], user=sofia, approve=False, comment="Attach the attendance list")

    (message,) = smtp.to("gabriel@example.org")
    assert _subject(message) == "[MIRPS] Devuelto: GTM-PRO-02 (2025)"
    body = _body(message)
    assert "“Attach the attendance list”" in body and "sofia" in body
    link = _link(body, "/workspace/commitments/GTM-PRO-02/")
    assert link == "/workspace/commitments/GTM-PRO-02/?period=2025#record"
    client.force_login(gabriel)
    form = client.get(link).content.decode()
    assert "Forty delegates trained in Petén</textarea>" in form
    assert 'value="https://example.org/training-report"' in form

    # The hourly run does not send it again (it tells him the period is open, though).
    call_command("send_reminders")
    subjects = [_subject(m) for m in smtp.to("gabriel@example.org")]
    assert subjects.count("[MIRPS] Devuelto: GTM-PRO-02 (2025)") == 1
    assert "[MIRPS] El período de reporte 2025 está abierto" in subjects
    assert Notification.objects.filter(recipient=gabriel, kind="returned").count() == 1


def test_an_email_the_server_refused_is_sent_by_the_next_run(cast, period, smtp, settings):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there: the mail server is "down"
    summary = cycle.run()
    # gabriel, belinda, hugo: period opened; sofia: seven countries silent 7 days before
    assert (summary.sent, summary.failed) == (0, 10)
    failed = Notification.objects.get(recipient=cast["gabriel"])
    assert failed.email_state == EmailState.FAILED and "connection" in failed.email_note
    settings.EMAIL_PORT = working_port
    assert cycle.run().sent == 10
    assert cycle.run().sent == 0
    assert [_subject(m) for m in smtp.to("gabriel@example.org")] == [
        "[MIRPS] El período de reporte 2025 está abierto"
    ]
