"""Publish what is due: retry failed releases, and give every locked period without a release
its 1.0 (a database upgraded from a version without releases, or a build lost with its worker).

    python manage.py publish_releases [--period 2024]

Builds here, in this process (a command is not a web request), whatever the catalogue's size.
"""

from django.core.management.base import BaseCommand

from periods.models import ReportingPeriod
from releases import services
from releases.models import Release


class Command(BaseCommand):
    help = "Retry failed releases and publish locked periods that have none."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="only this period (its code)")

    def handle(self, *args, **options):
        periods = ReportingPeriod.objects.filter(locked=True).chronological()
        if options["period"]:
            periods = periods.filter(code=options["period"])
        for period in periods:
            waiting = Release.objects.filter(
                period=period,
                state__in=[Release.State.FAILED, Release.State.QUEUED, Release.State.BUILDING],
            )
            if (
                not waiting.exists()
                and period.releases.filter(
                    state__in=[Release.State.PUBLISHED, Release.State.UNCHANGED]
                ).exists()
            ):
                continue
            release = waiting.order_by("requested_at").first() or Release.objects.create(
                period=period, state=Release.State.QUEUED
            )
            release = services.build(release.pk)
            self.stdout.write(f"{period.code}: {release.state} {release.version}".rstrip())
            if release.state == Release.State.FAILED:
                self.stderr.write(f"  {release.error}")
