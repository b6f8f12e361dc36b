"""``manage.py load_plan_edition FILE --country ISO3 --edition NAME --starts YYYY-MM-DD
[--dry-run]``: load a new edition of a country's plan from a sheet (.xlsx, .xls, .ods or .csv), all
or nothing, through the one service (``commitments.editions``). Prints the preview; writes
nothing with ``--dry-run`` or when the sheet has a problem (exit status 1)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from commitments.editions import (
    EditionPreview,
    EditionRefused,
    apply_edition,
    preview_edition,
)
from countries.models import Country
from countries.permissions import is_secretariat
from mirps.vocabulary import Route
from spreadsheets.edition_sheet import SheetUnreadable, read_edition_sheet


def print_preview(preview: EditionPreview, write) -> None:
    counts = preview.counts()
    previous = preview.previous.edition if preview.previous else "-"
    write(
        f"{preview.country.iso3} edition {preview.edition} from {preview.starts_on.isoformat()} "
        f"(after {previous}; original text: {preview.original_language})"
    )
    write(
        f"{counts['commitments']} commitments: "
        + ", ".join(f"{counts[k]} {k}" for k in ("new", "continued", "reworded", "split", "merged"))
    )
    for c in preview.commitments:
        replaces = "; ".join(c.replaces) or "-"
        write(f"  row {c.row}: {c.code or '?'} [{c.kind.value}] replaces {replaces}")
    write(f"{counts['closing']} previous commitments close with their edition:")
    for c in preview.closing:
        write(f"  {c.code}")
    if preview.problems:
        write(f"{len(preview.problems)} problem(s):")
        for p in preview.problems:
            where = f"row {p.row}" if p.row is not None else "sheet"
            write(f"  {where}: [{p.kind}] {p.message}")
    else:
        write("No problems.")


class Command(BaseCommand):
    help = "Load a new edition of a country's plan from a sheet, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", required=True, help="ISO3 code, e.g. BLZ")
        parser.add_argument("--edition", required=True, help="The edition's name, e.g. 2024-2026")
        parser.add_argument("--starts", required=True, help="First day in force, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="Preview only; write nothing")
        parser.add_argument(
            "--original",
            choices=["en", "es"],
            default="en",
            help="Which text column is the plan's own (default: en)",
        )
        parser.add_argument("--title-en", default="")
        parser.add_argument("--title-es", default="")
        parser.add_argument("--user", default="", help="A secretariat account to audit it as")
        parser.add_argument("--json", action="store_true", help="Print the preview as JSON")
        parser.add_argument("--language", choices=["en", "es"], default="en")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(options)

    def _handle(self, options):
        try:
            starts = datetime.date.fromisoformat(options["starts"])
        except ValueError as exc:
            raise CommandError("--starts: a date YYYY-MM-DD") from exc
        country = Country.objects.filter(iso3=options["country"].upper()).first()
        if country is None:
            raise CommandError(f"No country {options['country']}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if not is_secretariat(user):
                raise CommandError(f"{options['user']} is not a secretariat account")
        try:
            rows = read_edition_sheet(options["file"].read_bytes(), options["original"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        except SheetUnreadable as exc:
            raise CommandError(str(exc)) from exc
        arguments = {
            "country": country,
            "edition": options["edition"],
            "starts_on": starts,
            "rows": rows,
            "original_language": options["original"],
        }
        preview = preview_edition(**arguments)
        if not options["dry_run"] and preview.ok:
            try:
                _plan, preview = apply_edition(
                    **arguments,
                    user=user,
                    title_en=options["title_en"],
                    title_es=options["title_es"],
                    route=Route.SPREADSHEET,
                    from_server=True,
                )
            except EditionRefused as refused:
                preview = refused.preview
        if options["json"]:
            self.stdout.write(json.dumps(preview.as_dict(), ensure_ascii=False, indent=2))
        else:
            print_preview(preview, self.stdout.write)
        if not preview.ok:
            raise CommandError("The sheet has problems: nothing was written.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Edition {preview.edition} applied."))
