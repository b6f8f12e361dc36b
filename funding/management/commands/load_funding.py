from django.core.management.base import BaseCommand, CommandError

from funding.services import FixtureError, load_quantification


class Command(BaseCommand):
    help = (
        "Load the 2020 quantification of MIRPS commitments (stated totals and lines, the gap "
        "computed) from fixtures/ (idempotent; after load_plans)."
    )

    def handle(self, *args, **options):
        try:
            result = load_quantification()
        except FixtureError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.quantifications} quantification with {result.lines} lines "
                f"({result.created} new, {result.updated} updated)."
            )
        )
