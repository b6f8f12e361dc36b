from django.core.management.base import BaseCommand

from commitments.services import seed_demo


class Command(BaseCommand):
    help = (
        "Write a deterministic, clearly synthetic status history (2021-2024, with a mid-year "
        "period) so the pages show something, and deadlines on the open period (three weeks from "
        "today) unless it has some. Replaces earlier demo rows; never touches real ones."
    )

    def handle(self, *args, **options):
        count = seed_demo()
        self.stdout.write(self.style.WARNING(f"Wrote {count} DEMO status updates (synthetic)."))
