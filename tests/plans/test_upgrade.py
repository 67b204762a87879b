"""clinic.plans.upgrade: a database made before the care side had apps of its
own is refused with a message that says what to do, and nothing in it is
changed."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db.migrations.recorder import MigrationRecorder

from clinic.plans.upgrade import made_before_the_apps, refuse_old_layout

ROOT = Path(__file__).resolve().parents[2]


def _manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _old_database(path: Path) -> None:
    """What the previous version's migrate left: everything else as today, the
    care tables and migrations under the one app ``clinic``."""
    assert _manage(path, "migrate", "--noinput").returncode == 0
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM django_migrations WHERE app IN ('visits', 'plans', 'usage')")
        db.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('clinic', ?, '2026-11-30')",
            [("0001_appointments",), ("0004_feedback",), ("0005_screening_confirmation",)],
        )
        for (table,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND (name LIKE 'plans_%' OR name LIKE 'usage_%' OR name LIKE 'visits_%')"
        ).fetchall():
            db.execute(f'ALTER TABLE "{table}" RENAME TO "clinic_{table.split("_", 1)[1]}"')


@pytest.mark.smoke
def test_migrate_on_an_old_database_says_what_to_do_and_changes_nothing(tmp_path):
    database = tmp_path / "db.sqlite3"
    _old_database(database)
    with sqlite3.connect(database) as db:
        before = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    result = _manage(database, "migrate", "--noinput")
    assert result.returncode == 1
    assert "earlier version of the site" in result.stderr
    assert "make clean" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(database) as db:
        tables = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        applied = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert "clinic_plan" in tables
    assert applied == before
    assert not any(name.startswith(("plans_", "usage_", "visits_")) for name in tables)


@pytest.mark.django_db
def test_a_database_with_the_apps_is_let_through():
    assert not made_before_the_apps()
    refuse_old_layout(sender=None)


@pytest.mark.django_db
def test_old_rows_next_to_the_new_apps_are_let_through():
    """Someone who started afresh on the same PostgreSQL database keeps the old rows."""
    MigrationRecorder.Migration.objects.create(app="clinic", name="0004_feedback")
    assert not made_before_the_apps()


@pytest.mark.django_db
def test_only_the_old_app_is_refused():
    MigrationRecorder.Migration.objects.filter(app="plans").delete()
    MigrationRecorder.Migration.objects.create(app="clinic", name="0004_feedback")
    with pytest.raises(CommandError, match="make clean"):
        refuse_old_layout(sender=None)
