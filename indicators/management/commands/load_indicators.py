from django.core.management.base import BaseCommand, CommandError

from indicators.loading import FixtureError, load_indicators


class Command(BaseCommand):
    help = (
        "Load the indicator catalogue, the 2024 annual report's country figures (each with its "
        "quoted sentence) and the commitment links from fixtures/ (idempotent; after load_plans)."
    )

    def handle(self, *args, **options):
        try:
            result = load_indicators()
        except FixtureError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.indicators} indicators ({result.indicators_created} new), "
                f"{result.values} values ({result.values_created} new, {result.values_updated} "
                f"updated) and {result.links} commitment links ({result.links_created} new)."
            )
        )
