"""The reporting cycle's cast, calendar and a real SMTP server (aiosmtpd) for the e-mails."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy

import pytest
from django.utils import timezone

from notifications.models import Preference
from periods.models import ReportingPeriod
from periods.services import set_period_deadlines
from tests.builders import member, secretariat
from tests.plans import loaded_plans

PORTS = range(18380, 18400)  # this project's ports; the first free one is used


@pytest.fixture
def plans(db):
    loaded_plans()


@pytest.fixture
def cast(plans):
    """Who is who (every one has an e-mail address unless said otherwise):

    * sofia: secretariat (Spanish by default); reviews, gets the digests and "silent country";
    * gabriel: Guatemala's team (Spanish: automatic for a Spanish-speaking country);
    * belinda: Belize's team (English: automatic for Belize);
    * hugo: Honduras's team, who chose English in his settings;
    * olga: Honduras's team, without an e-mail address (told in the app only).
    """
    people = {
        "sofia": secretariat("sofia"),
        "gabriel": member("gabriel", "GTM"),
        "belinda": member("belinda", "BLZ"),
        "hugo": member("hugo", "HND"),
        "olga": member("olga", "HND"),
    }
    for name, user in people.items():
        if name != "olga":
            user.email = f"{name}@example.org"
            user.save(update_fields=["email"])
    Preference.objects.create(user=people["hugo"], language="en")
    return people


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(cast, today):
    """2025, open, its submission deadline 7 days from today."""
    period = ReportingPeriod.objects.get(code="2025")
    return set_period_deadlines(
        period=period, submission_deadline=today + dt.timedelta(days=7), user=cast["sofia"]
    )


class Inbox:
    """What the SMTP server received: (envelope sender, recipients, parsed message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for _sender, rcpts, m in self.received if address in rcpts]


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the SMTP server")


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port, and Django set to send to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://monitor.example.org"
    yield inbox
    controller.stop()
