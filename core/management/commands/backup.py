from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database to a new file (0600): SQLite's online backup, or pg_dump's "
        "custom format for PostgreSQL. Refuses to run unless DATABASE_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to create (must not exist).")

    def handle(self, *args, path, **options):
        try:
            size = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up the database to {path} ({size:,} bytes, mode 0600).")
