from django.core.management.base import BaseCommand, CommandError

from demo.services import DemoAccountTaken, seed_demo


class Command(BaseCommand):
    help = (
        "Write a deterministic, clearly synthetic status history (2021-2024, with a mid-year "
        "period) so the pages show something, through the same services as a person (as the "
        "demo's own secretariat account, demo-data); lock the closed periods (2021-2023, "
        "2024-H1); deadlines on the open period (three weeks from today) unless it has some. "
        "Replaces earlier demo rows of unlocked periods; never touches real ones."
    )

    def handle(self, *args, **options):
        try:
            count = seed_demo()
        except DemoAccountTaken as exc:
            raise CommandError(f"Nothing was written: {exc}") from exc
        self.stdout.write(
            self.style.WARNING(f"The demo holds {count} DEMO status updates (synthetic).")
        )
