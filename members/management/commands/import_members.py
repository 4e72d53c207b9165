"""`manage.py import_members FILE --organisation SLUG --by EMAIL [--dry-run]`: the same checks, preview and rank
rules as the page, acting as the coordinator or admin named by --by."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Organisation
from members import imports
from members.models import Member, Role


def acting_member(organisation: Organisation, email: str) -> Member:
    """The current coordinator or admin of the shelter with this e-mail address: the import acts as her."""
    staff = list(
        Member.objects.for_organisation(organisation)
        .current()
        .filter(email__iexact=email.strip(), role__in=[Role.COORDINATOR, Role.ADMIN])[:2]
    )
    if not staff:
        raise CommandError(
            f"--by {email!r} is not a current coordinator or admin of {organisation.slug!r}; "
            "the import acts as her and follows her rank."
        )
    if len(staff) > 1:
        raise CommandError(f"More than one coordinator or admin of {organisation.slug!r} has the address {email!r}.")
    return staff[0]


class ImportCommand(BaseCommand):
    kind = imports.MEMBERS

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (; or ,) or XLSX file")
        parser.add_argument("--organisation", dest="organisation_slug", required=True, help="the shelter's slug")
        parser.add_argument(
            "--by",
            required=True,
            metavar="EMAIL",
            help="the e-mail address of the shelter's coordinator or admin the import acts as (her rank applies)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show the preview, write nothing")

    def handle(self, *args, file, organisation_slug, by, dry_run, **options):
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise CommandError(f"No shelter with the slug {organisation_slug!r}.")
        importer = acting_member(organisation, by)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > imports.MAX_BYTES:
            raise CommandError(
                imports.ImportFileError(
                    f"The file is larger than {imports.MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files."
                ).message
            )
        content = path.read_bytes()
        preview = imports.import_preview(kind=self.kind, organisation=organisation, content=content, by=importer)
        for line in preview.lines():
            self.stdout.write(line)
        if preview.has_errors:
            count = len(preview.errors) + len(preview.file_errors)
            raise CommandError(f"{count} error(s); nothing was imported.", returncode=1)
        if dry_run:
            self.stdout.write(f"Dry run: {preview.summary()} Nothing was written.")
            return
        try:
            preview = imports.import_confirm(kind=self.kind, organisation=organisation, content=content, by=importer)
        except imports.ImportRefused as refused:
            raise CommandError(refused.message, returncode=1) from None
        self.stdout.write(self.style.SUCCESS(f"Imported: {preview.summary()}"))


class Command(ImportCommand):
    help = "Import members into a shelter from a CSV or XLSX file (matching on e-mail); nothing on any error."
