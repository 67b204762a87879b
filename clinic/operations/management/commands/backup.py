"""Write a backup of the site's PostgreSQL database (``make backup``).

The file is ``<database>-<UTC time>.dump`` in pg_dump's custom format, mode
0600; the command prints its path and size. On SQLite it refuses and says
how to copy the SQLite file safely instead.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from clinic.operations.backups import BackupError, stopping_cleanly_on_sigterm, take_backup


class Command(BaseCommand):
    help = (
        "Write a pg_dump (custom format) of the site's PostgreSQL database, private to its owner."
    )
    # A backup must work even when a deployment check would complain.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "backups",
            help="the folder for backups (made private if it is new); default var/backups",
        )

    def handle(self, *args, dir: Path, **options):
        try:
            with stopping_cleanly_on_sigterm():
                path = take_backup(dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = filesizeformat(path.stat().st_size).replace("\xa0", " ")
        self.stdout.write(f"Wrote {path.resolve()} ({size}).")
