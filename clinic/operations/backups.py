"""Backups of the site's PostgreSQL database, and restores that only ever
create a new database.

A backup is a ``pg_dump --format=custom`` file named after the database and
the UTC time it was taken, readable by its owner alone (it holds health
data). A restore creates the database it restores into, so the live one can
never be written over, and removes it again if ``pg_restore`` stops part way.

Both take the connection from Django's settings, so they use exactly the
database the site uses (``DATABASE_URL``). PostgreSQL's tools get the
password and TLS files through libpq's environment, as ``manage.py dbshell``
hands them to psql, never on a command line that ``ps`` would show.
"""

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

SUFFIX = ".dump"
# PostgreSQL's identifiers are at most 63 bytes; plain names need no quoting
# in a URL, in psql or in a systemd unit.
PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class BackupError(Exception):
    """A refusal or a failure, worded for the operator who ran the command."""


@dataclass(frozen=True)
class Restored:
    name: str
    rows: dict[str, int]  # every table of the new database and its row count
    unapplied: list[str]  # migrations this code has that the backup lacks ("app.name")


# While a tool is being started, a SIGTERM is noted here and raised once
# the tool's process is known, so that it can be stopped too (raised any
# earlier, the tool would run on with no one to stop it).
_held_signals: list[int] | None = None


@contextmanager
def stopping_cleanly_on_sigterm() -> Iterator[None]:
    """Let SIGTERM (systemctl stop, a timeout) unwind like Ctrl-C while
    inside, so that a half-written dump or a half-restored database is removed
    on the way out instead of being left behind."""

    def stop(signum, frame):
        if _held_signals is not None:
            _held_signals.append(signum)
            return
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _holding_sigterm() -> Iterator[None]:
    global _held_signals
    _held_signals = []
    try:
        yield
    finally:
        held, _held_signals = _held_signals, None
        if held:
            raise SystemExit(128 + held[0])


def _run_tool(command: list[str], *, stdout=subprocess.PIPE, env: dict[str, str]):
    """``subprocess.run`` for pg_dump and pg_restore (text output, no check),
    which also stops the tool when a SIGTERM arrives while it is starting."""
    process = None
    try:
        with _holding_sigterm():
            process = subprocess.Popen(  # noqa: S603  (fixed arguments, no shell)
                command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env
            )
        out, err = process.communicate()
    except BaseException:
        if process is not None:
            process.kill()
            process.wait()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def take_backup(folder: Path, *, now: datetime | None = None, using: str = "default") -> Path:
    """Dump the database to a new file in ``folder`` and return the file's path."""
    connection = connections[using]
    stamp = f"{now or datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    if connection.vendor == "sqlite":
        raise BackupError(_sqlite_advice(Path(connection.settings_dict["NAME"]), folder, stamp))
    _require_postgresql(connection)
    pg_dump = _tool("pg_dump")
    args, env = _libpq(connection)
    database = connection.settings_dict["NAME"]

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{database}-{stamp}{SUFFIX}"
    if target.exists():
        raise BackupError(f"{target} already exists; wait a second and run the backup again.")
    # Written under a hidden name and renamed once complete, so that whatever
    # copies the folder elsewhere never takes half a dump for a whole one.
    partial = target.with_name(f".{target.name}.partial")
    try:
        # Created private, so the health data is never readable by others,
        # not even while pg_dump is still writing.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is being written, or one was interrupted. "
            "If no backup is running, delete that file and try again."
        ) from None
    try:
        os.fchmod(fd, 0o600)
        result = _run_tool(
            [pg_dump, "--format=custom", "--dbname", database, *args], stdout=fd, env=env
        )
        if result.returncode:
            raise BackupError(
                f"pg_dump stopped, so no backup was written:\n{result.stderr.strip()}"
            )
        os.fsync(fd)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    partial.rename(target)
    return target


def restore_backup(file: Path, *, name: str = "", using: str = "default") -> Restored:
    """Restore ``file`` into a new database called ``name`` (by default one
    made from the file's name) on the site's PostgreSQL server."""
    connection = connections[using]
    _require_postgresql(connection)
    if not file.is_file():
        raise BackupError(f"There is no backup file at {file}.")
    if not os.access(file, os.R_OK):
        raise BackupError(
            f"{file} cannot be read by this user; run the restore as the user that made it."
        )
    name = name or name_for(file)
    if not PLAIN_NAME.fullmatch(name):
        raise BackupError(
            f"{name!r} is not a plain database name: use lower-case letters, digits and _, "
            "starting with a letter, at most 63 characters (RESTORE_DB=...)."
        )
    pg_restore = _tool("pg_restore")
    args, env = _libpq(connection)
    # Read the archive's table of contents before creating anything.
    listing = _run_tool([pg_restore, "--list", str(file)], env=env)
    if listing.returncode:
        raise BackupError(
            f"{file} is not a backup pg_restore can read (make backup writes them):\n"
            f"{listing.stderr.strip()}"
        )

    if name == connection.settings_dict["NAME"]:
        raise BackupError(
            f"{name} is the database the site uses now; a restore never writes over it. "
            "Choose a new name with RESTORE_DB=..."
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            raise BackupError(
                f"A database named {name} already exists; a restore only ever creates a new "
                "one. Choose another name with RESTORE_DB=..., or, if that database is an "
                "old check you no longer need, drop it first (dropdb)."
            )
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    try:
        result = _run_tool(
            [pg_restore, "--no-owner", "--exit-on-error", "--dbname", name, *args, str(file)],
            env=env,
        )
        if result.returncode:
            raise BackupError(
                f"pg_restore stopped, so the new database {name} was removed again "
                f"(nothing else changed):\n{result.stderr.strip()}"
            )
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)"
            )
        raise
    return _inspect(connection, name)


def name_for(file: Path) -> str:
    """The new database's default name: the file's name made plain
    (``matcompanion-20261202T103000Z.dump`` gives ``matcompanion_20261202t103000z``)."""
    stem = re.sub(r"[^a-z0-9_]+", "_", file.name.removesuffix(SUFFIX).lower()).strip("_")
    if not stem or not stem[0].isalpha():
        stem = f"restored_{stem}"
    return stem[:63]


def newest_backup(folder: Path) -> Path | None:
    """The latest complete backup in ``folder`` (names sort by time), if any."""
    found = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    return found[-1] if found else None


def url_for(name: str) -> str:
    """The site's DATABASE_URL with only the database name changed and any
    password hidden: what to point the site at after a restore."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    netloc = parts.netloc
    if parts.password is not None:
        credentials, _, address = netloc.rpartition("@")
        netloc = f"{credentials.partition(':')[0]}:****@{address}"
    return urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, parts.fragment))


def _inspect(connection: BaseDatabaseWrapper, name: str) -> Restored:
    """Count the rows of every table in the new database and list the
    migrations it lacks, through a connection of its own."""
    restored = connection.__class__({**connection.settings_dict, "NAME": name}, connection.alias)
    try:
        executor = MigrationExecutor(restored)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        rows = {}
        with restored.cursor() as cursor:
            for table in restored.introspection.table_names(cursor):
                cursor.execute(f"SELECT count(*) FROM {restored.ops.quote_name(table)}")  # noqa: S608
                rows[table] = cursor.fetchone()[0]
    finally:
        restored.close()
    return Restored(
        name=name,
        rows=rows,
        unapplied=[f"{migration.app_label}.{migration.name}" for migration, _ in plan],
    )


def _require_postgresql(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            f"DATABASE_URL points at {connection.display_name}; backups and restores "
            "work on PostgreSQL only."
        )


def _tool(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} is not installed. Install PostgreSQL's client tools "
            "(apt-get install postgresql-client), the server's major version or newer."
        )
    return path


def _libpq(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Host, port and user as arguments; password and TLS settings in the
    environment, taken the way Django's dbshell takes them."""
    settings = connection.settings_dict
    _, secret_env = connection.client.settings_to_cmd_args_env(settings, [])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    return args, {**os.environ, **(secret_env or {})}


def _sqlite_advice(database: Path, folder: Path, stamp: str) -> str:
    copy = folder / f"{database.stem}-{stamp}.sqlite3"
    return (
        f"DATABASE_URL points at the SQLite file {database}, and make backup writes "
        "PostgreSQL dumps only. To copy the SQLite file safely, even while the site "
        "runs, use SQLite's own backup (a plain cp can catch it half-written); the "
        "copy holds health data, so keep it private:\n"
        f"  (umask 077 && mkdir -p {folder} && sqlite3 {database} \".backup '{copy}'\")"
    )
