"""Make the reporting cycle's notifications that are due and e-mail them.

Idempotent and safe to run every hour (from cron or a systemd timer: see the README): every
notification is keyed per recipient, so nothing is said twice, and e-mails that failed are
retried by the next runs.
"""

from django.core.management.base import BaseCommand

from notifications import cycle


class Command(BaseCommand):
    help = "Send due reporting reminders, digests and alerts (safe to run every hour)."

    def handle(self, *args, **options):
        summary = cycle.run()
        made = ", ".join(f"{kind}: {n}" for kind, n in sorted(summary.created.items()))
        self.stdout.write(
            f"{summary.total_created} notifications made ({made or 'none due'}); "
            f"{summary.sent} e-mails sent, {summary.failed} failed."
        )
        if summary.failed:
            self.stderr.write(
                "Some e-mails failed; they are retried by the next runs (see the admin)."
            )
