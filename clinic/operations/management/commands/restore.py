"""Restore a backup into a new database (``make restore FILE=...``).

The new database is named by ``--name`` (``RESTORE_DB``), by default after
the file; an existing database, the live one included, is never written
over. The command prints the tables and rows it restored, any migrations the
backup lacks, and what to point DATABASE_URL at next.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.operations.backups import (
    BackupError,
    newest_backup,
    restore_backup,
    stopping_cleanly_on_sigterm,
    url_for,
)


class Command(BaseCommand):
    help = "Restore a backup made by `make backup` into a new database, never over an existing one."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="", help="the .dump file to restore")
        parser.add_argument(
            "--name", default="", help="the new database's name; default made from the file name"
        )
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "backups",
            help="where backups are kept, to suggest the newest when no file is given",
        )

    def handle(self, *args, file: str, name: str, dir: Path, **options):
        if not file:
            newest = newest_backup(dir)
            example = newest or dir / "<database>-<UTC time>.dump"
            hint = f"The newest in {dir} is {newest.name}." if newest else f"{dir} has none yet."
            raise CommandError(f"Say which backup to restore: make restore FILE={example}\n{hint}")
        try:
            with stopping_cleanly_on_sigterm():
                restored = restore_backup(Path(file), name=name)
        except BackupError as error:
            raise CommandError(str(error)) from None

        rows = sum(restored.rows.values())
        self.stdout.write(
            f"Restored {file} into the new database {restored.name}: "
            f"{len(restored.rows)} tables, {rows:,} rows."
        )
        if options["verbosity"] > 1:
            for table, count in sorted(restored.rows.items()):
                self.stdout.write(f"  {table}: {count:,}")
        url = url_for(restored.name)
        if restored.unapplied:
            missing = len(restored.unapplied)
            self.stdout.write(
                f"It lacks {missing} migration{'s' if missing > 1 else ''} this version has "
                f"(the first: {restored.unapplied[0]}). Run `manage.py migrate` with "
                f"DATABASE_URL={url} before starting the site on it."
            )
        else:
            self.stdout.write("Every migration this version has is applied.")
        self.stdout.write(
            "To run the site on it: stop the web and the worker, set\n"
            f"  DATABASE_URL={url}\n"
            "(only the database name changes), and start them again. "
            f'If it was only a check, remove it with: dropdb --maintenance-db="$DATABASE_URL" '
            f"{restored.name}"
        )
