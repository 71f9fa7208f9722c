from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `manage.py backup`, fencing the workers and "
        "the scheduler meanwhile; clear the caches; then ask Cup Source for the orders the "
        "backup missed and re-import them (nothing is sent again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--since",
            type=datetime.fromisoformat,
            help="When the backup was taken (ISO 8601); default: the latest order activity "
            "in the backup, less a margin.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: everything since the backup is lost."
        )

    def handle(self, *args, path, since, yes, **options):
        if (
            not yes
            and input("Everything written since this backup will be replaced. Type 'restore': ")
            != "restore"
        ):
            raise CommandError("Not restored.")
        try:
            restore(path, since=since, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
