"""Refuse to migrate a database made before the care side had apps of its own.

Before the care side was split into apps, every care table belonged to one
app labelled ``clinic``. Its migrations were started afresh in the new apps
(no clinic ran the site yet), so such a database cannot be brought forward
in place. Rather than
fail half-way with a traceback about tables that already exist or are
missing, ``migrate`` stops before it changes anything and says what to do.
"""

from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

OLD_APP = "clinic"

MESSAGE = (
    "This database was made by an earlier version of the site, when every care "
    "record (plans, screenings, session logs) lived in one app called 'clinic'. "
    "Those records now live in apps of their own and their tables cannot be "
    "carried over in place. Nothing has been changed. If the database holds only "
    "the demo, start afresh: run 'make clean' (it deletes var/db.sqlite3), then "
    "'make run'. Otherwise keep the file and install the previous version to "
    "export what you need first."
)


def made_before_the_apps(using: str = "default") -> bool:
    """True when ``using`` has the old app's migrations and not the new ones."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return False
    apps = {app for app, _name in recorder.applied_migrations()}
    return OLD_APP in apps and "plans" not in apps


def refuse_old_layout(sender, using: str = "default", **kwargs) -> None:
    """``pre_migrate`` receiver: stop before anything is changed."""
    if made_before_the_apps(using):
        raise CommandError(MESSAGE)
