import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backup import BackupError, backup_restore, identities_from_text


class Command(BaseCommand):
    help = (
        "Replace the database with an encrypted backup, migrate it forward, and erase again every member erased "
        "after the backup was taken (the erasure journal). Stop the web and worker processes first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="The backup file (jourplan-….age).")
        parser.add_argument(
            "--identity",
            type=Path,
            help="The age identity file (private key) that opens the backup. Without it, the environment variable "
            "BACKUP_IDENTITY must hold the key itself.",
        )
        parser.add_argument(
            "--ignore-connections",
            action="store_true",
            help="Restore even though other sessions are connected to the database (PostgreSQL).",
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The private key is read here only, never a setting: the web and worker processes have no use for it.
        if options["identity"]:
            text = options["identity"].read_text(encoding="utf-8")
        elif os.environ.get("BACKUP_IDENTITY"):
            text = os.environ["BACKUP_IDENTITY"]
        else:
            raise CommandError("Give the age identity that opens the backup: --identity FILE (or BACKUP_IDENTITY).")
        if not options["backup"].is_file():
            raise CommandError(f"No backup file at {options['backup']}.")
        database = connection.settings_dict["NAME"]
        if options["interactive"]:
            answer = input(
                f"This replaces everything in the database {database} with {options['backup'].name}. Type 'yes': "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        if connection.vendor == "sqlite":
            self.stdout.write("SQLite: make sure the web and worker processes are stopped; this cannot be checked.")
        try:
            report = backup_restore(
                path=options["backup"],
                identities=identities_from_text(text),
                ignore_other_connections=options["ignore_connections"],
            )
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Restored {options['backup'].name}, taken {report.manifest.taken_at.isoformat()}.")
        if report.migrations_applied:
            self.stdout.write(f"Migrated forward: {report.migrations_applied} migration(s) newer than the backup.")
        self.stdout.write(f"After the restore ({len(report.hook_lines)} journal entries since the backup):")
        for line in report.hook_lines:
            self.stdout.write(f"  {line}")
