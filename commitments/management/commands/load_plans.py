from django.core.management.base import BaseCommand

from commitments.services import load_plans


class Command(BaseCommand):
    help = "Load countries, pillars, focus areas, periods and the 2021 national plans (idempotent)."

    def handle(self, *args, **options):
        result = load_plans()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.countries} countries, {result.pillars} pillars, "
                f"{result.focus_areas} focus areas, {result.periods} periods, {result.plans} plans "
                f"and {result.commitments} commitments ({result.created} new, "
                f"{result.updated} updated)."
            )
        )
