from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Import an archive made by export_data into an empty, migrated database (all or "
        "nothing): every row with its id and history, and the uploaded files."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the .zip made by export_data")
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help="also import an archive of format version 1 (made before archives were "
            "signed): only one you made yourself, as nothing proves it was not edited",
        )

    def handle(self, *args, archive, unsigned, **options):
        try:
            manifest = import_archive(archive, unsigned=unsigned)
        except ArchiveError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Imported {rows} rows from {archive} ({manifest['created_at']}).")
        )
