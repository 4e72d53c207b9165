from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database to BACKUP_DIR (encrypted to BACKUP_RECIPIENTS), then keep only "
        "the BACKUP_KEEP newest. Run it from cron or a systemd timer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dir", type=Path, help="Directory to write to (default: BACKUP_DIR).")
        parser.add_argument("--keep", type=int, help="How many backups to keep (default: BACKUP_KEEP).")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or settings.BACKUP_DIR
        try:
            path = backup_create(directory=directory)
            deleted = backups_prune(directory=directory, keep=options["keep"])
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes)")
        for old in deleted:
            self.stdout.write(f"Deleted old backup: {old.name}")
