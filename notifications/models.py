"""What the reporting cycle tells people, and how they want to be told.

Every notification is a row: the in-app inbox reads it, the e-mail is sent from it (and its
outcome recorded on it), and its ``key`` is unique per recipient, so nobody gets the same
reminder twice however often ``send_reminders`` runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    """A person's language and what they want by e-mail (the inbox always gets everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    # Blank: automatic (English for Belize's team, Spanish otherwise).
    language = models.CharField(_("language"), max_length=5, blank=True, choices=settings.LANGUAGES)
    email_reminders = models.BooleanField(
        _("reminders and digests by e-mail"),
        default=True,
        help_text=_("Period opened, reminders before the deadline, deadline passed, digests."),
    )
    email_returned = models.BooleanField(
        _("returned submissions by e-mail"),
        default=True,
        help_text=_("When the secretariat returns one of your submissions with a comment."),
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Kind(models.TextChoices):
    PERIOD_OPENED = "period_opened", _("Period opened")
    REMINDER = "reminder", _("Reminder before the deadline")
    DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
    RETURNED = "returned", _("Submission returned")
    VALUE_RETURNED = "value_returned", _("Indicator value returned")
    APPROVED_DIGEST = "approved_digest", _("Approved submissions (digest)")
    WAITING_DIGEST = "waiting_digest", _("Submissions waiting for review (digest)")
    COUNTRY_SILENT = "country_silent", _("Country has reported nothing")


# Kinds that are reminders or digests: the unsubscribe link stops their e-mails.
SCHEDULED_KINDS = frozenset(
    {
        Kind.PERIOD_OPENED,
        Kind.REMINDER,
        Kind.DEADLINE_PASSED,
        Kind.APPROVED_DIGEST,
        Kind.WAITING_DIGEST,
        Kind.COUNTRY_SILENT,
    }
)


class EmailState(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing told to one person: in the inbox, and by e-mail unless they opted out.

    ``data`` holds what the message says (counts, codes, comment), captured when it was made;
    the text is written from it in the reader's language (``messages.describe``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What makes it this notification and no other, e.g. "reminder:2026:7": unique per
    # recipient, so a second run of send_reminders creates nothing new.
    key = models.CharField(_("key"), max_length=100)
    period = models.ForeignKey(
        "periods.ReportingPeriod",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("period"),
    )
    status_update = models.ForeignKey(
        "statuses.StatusUpdate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status update"),
    )
    data = models.JSONField(_("content"), default=dict, blank=True)
    # The recipient's language when it was made: the e-mail is written in it.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    # When it was made: the run's time (``cycle`` passes it), so a reminder knows when the
    # opening notice went out.
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_to = models.EmailField(_("e-mailed to"), blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_note = models.CharField(_("e-mail note"), max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_known_kind"
            ),
            models.CheckConstraint(
                condition=Q(email_state__in=EmailState.values),
                name="notification_known_email_state",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.key}"
