from django.core.management.base import BaseCommand

from backups.archive import export_archive


class Command(BaseCommand):
    help = (
        "Export all data and its history (rows as JSON, and the uploaded files) as one ZIP "
        "archive, which import_data loads into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the .zip to write")

    def handle(self, *args, archive, **options):
        manifest = export_archive(archive)
        rows = sum(manifest["counts"].values())
        files = sum(1 for digest in manifest["files"].values() if digest)
        missing = [name for name, digest in manifest["files"].items() if digest is None]
        self.stdout.write(
            self.style.SUCCESS(f"Exported {rows} rows and {files} files to {archive}.")
        )
        if missing:
            self.stderr.write(f"Files named by rows but missing on disk: {', '.join(missing)}")
