"""Backups and restores: `make backup`, `make restore` and the commands
behind them (clinic/operations).

The round trip runs the make targets as an operator would, on rows committed
to many tables of the test database, restores into a new database and
compares the two table by table. pg_dump and pg_restore need PostgreSQL, so
those tests run there only (CI does); the SQLite refusal runs everywhere.
"""

import os
import re
import signal
import stat
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from clinic.operations import backups
from clinic.operations.backups import name_for
from tests.factories import bulk_patients_with_plans, make_plan

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


def make(*arguments: str, database_url: str) -> subprocess.CompletedProcess:
    """Run a make target in the repository as an operator would, with the
    site's own settings and ``database_url``."""
    # A `make test` above this one must not lend it its jobserver or flags,
    # and the make targets find python3 (with uv) outside the test's venv.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV"}
    }
    venv_bin = str(Path(sys.prefix) / "bin")
    path = [entry for entry in environment["PATH"].split(os.pathsep) if entry != venv_bin]
    environment |= {
        "PATH": os.pathsep.join(path),
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        ["make", "--silent", "--no-print-directory", *arguments],  # noqa: S607
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def url_of(database: str) -> str:
    """A DATABASE_URL for ``database`` on the server the tests use."""
    config = connection.settings_dict
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT']}/{database}"


def snapshot(database: str) -> dict:
    """Every table in the public schema with its row count, the sequences'
    positions and the migrations recorded, read through a connection of its own."""
    config = connection.settings_dict
    with psycopg.connect(
        dbname=database,
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
    ) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            "rows": {
                table: conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()[0]
                for table in tables
            },
            "sequences": dict(
                conn.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                ).fetchall()
            ),
            "migrations": set(conn.execute("SELECT app, name FROM django_migrations").fetchall()),
        }


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def drop_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


@pytest.fixture
def care_records(screened_pat, quinn, routine, clinic_a, alice):
    """Committed rows in many tables: clinics, people, safety content, a
    screening, plans with their days and ticked-off sessions, audit rows."""
    make_plan(screened_pat, routine)
    bulk_patients_with_plans(clinic_a, alice, 3)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_database_with_every_row(care_records, tmp_path):
    live = connection.settings_dict["NAME"]
    folder = tmp_path / "backups"

    backup = make("backup", f"BACKUP_DIR={folder}", database_url=url_of(live))
    assert backup.returncode == 0, backup.stderr
    (dump,) = folder.iterdir()
    assert re.fullmatch(rf"{live}-\d{{8}}T\d{{6}}Z\.dump", dump.name)
    assert f"Wrote {dump} (" in backup.stdout
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    restored = name_for(dump)
    try:
        restore = make("restore", f"FILE={dump}", database_url=url_of(live))
        assert restore.returncode == 0, restore.stderr
        assert f"into the new database {restored}:" in restore.stdout
        assert "Every migration this version has is applied." in restore.stdout
        assert f"DATABASE_URL={url_of(restored)}" in restore.stdout

        before, after = snapshot(live), snapshot(restored)
        assert after["rows"] == before["rows"]
        assert len([count for count in before["rows"].values() if count]) >= 15
        assert after["sequences"] == before["sequences"]
        assert after["migrations"] == before["migrations"]
        latest = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
        assert set(latest) <= after["migrations"]

        again = make("restore", f"FILE={dump}", database_url=url_of(live))
        assert again.returncode != 0
        assert f"A database named {restored} already exists" in again.stderr
        assert snapshot(restored)["rows"] == before["rows"]
    finally:
        drop_database(restored)


def test_backup_on_sqlite_says_how_to_copy_the_file_instead(tmp_path):
    database = tmp_path / "db.sqlite3"
    folder = tmp_path / "backups"
    result = make("backup", f"BACKUP_DIR={folder}", database_url=f"sqlite:///{database}")
    assert result.returncode != 0
    assert f"points at the SQLite file {database}" in result.stderr
    assert f"sqlite3 {database} \".backup '{folder}/db-" in result.stderr
    assert not folder.exists()


def test_restore_without_a_file_names_the_newest_backup(tmp_path):
    for stamp in ("20261201T020000Z", "20261202T020000Z"):
        (tmp_path / f"matcompanion-{stamp}.dump").touch()
    # Refused before any database is opened, so any DATABASE_URL will do.
    unused = f"sqlite:///{tmp_path}/unused/db.sqlite3"
    result = make("restore", f"BACKUP_DIR={tmp_path}", database_url=unused)
    assert result.returncode != 0
    assert "Say which backup to restore: make restore FILE=" in result.stderr
    assert f"The newest in {tmp_path} is matcompanion-20261202T020000Z.dump." in result.stderr


@pytest.fixture
def schema_dump(db, tmp_path) -> Path:
    """A real backup of the test database (its schema; the test's own rows
    are not committed)."""
    call_command("backup", dir=tmp_path, stdout=StringIO())
    (dump,) = tmp_path.glob("*.dump")
    return dump


@postgresql_only
def test_restore_never_writes_over_the_live_database(schema_dump):
    live = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=f"{live} is the database the site uses now"):
        call_command("restore", str(schema_dump), name=live)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_restore_of_an_older_backup_says_to_migrate_before_starting(tmp_path, monkeypatch):
    # The live database as a previous version left it: its newest migration not yet applied.
    app, migration = sorted(MigrationLoader(None).graph.leaf_nodes())[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s RETURNING applied",
            [app, migration],
        )
        (applied,) = cursor.fetchone()
    monkeypatch.setenv("DATABASE_URL", "postgres://site:s3cret-pass@db.internal:5432/matcompanion")
    out = StringIO()
    try:
        call_command("backup", dir=tmp_path, stdout=StringIO())
        (dump,) = tmp_path.glob("*.dump")
        call_command("restore", str(dump), name="ops_data_older", verbosity=2, stdout=out)
    finally:
        drop_database("ops_data_older")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                [app, migration, applied],
            )
    printed = out.getvalue()
    assert f"It lacks 1 migration this version has (the first: {app}.{migration})" in printed
    assert "  django_migrations: " in printed
    assert "DATABASE_URL=postgres://site:****@db.internal:5432/ops_data_older" in printed
    assert "s3cret" not in printed


@postgresql_only
@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "notes.dump"
    junk.write_text("not a dump")
    with pytest.raises(CommandError, match="is not a backup pg_restore can read"):
        call_command("restore", str(junk), name="ops_data_never_made")
    assert not database_exists("ops_data_never_made")


@postgresql_only
@pytest.mark.django_db
def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", str(tmp_path / "gone.dump"))


@postgresql_only
@pytest.mark.django_db
def test_restore_refuses_a_name_that_is_not_plain(schema_dump):
    with pytest.raises(CommandError, match="'Live; drop' is not a plain database name"):
        call_command("restore", str(schema_dump), name="Live; drop")


def fake_tool(folder: Path, name: str, script: str) -> Path:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\n{script}\n")
    tool.chmod(0o700)
    return tool


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_restore_that_stops_part_way_removes_its_new_database(schema_dump, tmp_path, monkeypatch):
    # Reads the archive's contents, then fails as a restore stopping on an error would.
    script = '[ "$1" = --list ] && exit 0; echo "pg_restore: error: disk full" >&2; exit 1'
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(tools, "pg_restore", script)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    try:
        with pytest.raises(CommandError, match="removed again") as refusal:
            call_command("restore", str(schema_dump), name="ops_data_half_restored")
        assert "disk full" in str(refusal.value)
        assert not database_exists("ops_data_half_restored")
    finally:
        drop_database("ops_data_half_restored")


@postgresql_only
@pytest.mark.django_db
def test_a_failed_backup_leaves_no_file(tmp_path, monkeypatch):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(
        tools, "pg_dump", 'printf partial; echo "pg_dump: error: connection lost" >&2; exit 1'
    )
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    folder = tmp_path / "backups"
    with pytest.raises(CommandError, match="connection lost"):
        call_command("backup", dir=folder)
    assert list(folder.iterdir()) == []


def test_a_backup_stopped_by_sigterm_leaves_nothing_behind(tmp_path):
    """As `systemctl stop` mid-backup would: the half-written dump is removed
    and pg_dump stopped. No database is opened, so any PostgreSQL URL will do."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(tools, "pg_dump", f"echo $$ > {tmp_path}/pg_dump.pid; printf partial; exec sleep 30")
    folder = tmp_path / "backups"
    environment = os.environ | {
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    backup = subprocess.Popen(
        [sys.executable, "manage.py", "backup", "--dir", str(folder)],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not list(folder.glob(".*.partial")) or not (tmp_path / "pg_dump.pid").exists():
            assert backup.poll() is None, backup.communicate()
            assert time.monotonic() < deadline, "pg_dump never started"
            time.sleep(0.05)
        backup.send_signal(signal.SIGTERM)
        assert backup.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        backup.kill()
        backup.communicate()
    assert list(folder.iterdir()) == []
    pg_dump = int((tmp_path / "pg_dump.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pg_dump, 0)


def test_default_names_for_a_restore_are_plain():
    assert name_for(Path("matcompanion-20261202T103000Z.dump")) == "matcompanion_20261202t103000z"
    assert name_for(Path("2026 copy.dump")) == "restored_2026_copy"
    assert len(name_for(Path("x" * 100 + ".dump"))) == 63


def test_a_sigterm_while_the_tool_starts_stops_the_tool_too(tmp_path, monkeypatch):
    """The signal lands after pg_dump exists but before the backup holds its
    process: the backup still stops it rather than leaving it running."""
    started = []
    real_popen = subprocess.Popen

    def popen_then_sigterm(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(process)
        os.kill(os.getpid(), signal.SIGTERM)
        return process

    monkeypatch.setattr(backups.subprocess, "Popen", popen_then_sigterm)
    with pytest.raises(SystemExit) as stopped, backups.stopping_cleanly_on_sigterm():
        backups._run_tool(["sleep", "30"], env=dict(os.environ))
    assert stopped.value.code == 128 + signal.SIGTERM
    assert started[0].returncode == -signal.SIGKILL  # stopped and waited for
