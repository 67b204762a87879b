"""Settings for the test suite: the real settings with development values.

DATABASE_URL still decides the database, so ``make test`` runs on
PostgreSQL when it is set and on SQLite otherwise.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run where they are enqueued unless a test is about the worker itself.
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

from clinic.settings import *  # noqa: F403
from clinic.settings import PASSWORD_HASHERS

# Hashing with Argon2 on every test sign-in is slow; production keeps it first
# (a test checks that), the suite uses a fast hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# An in-memory SQLite test database is shared with the live server's request
# threads, which then trip over Django's thread checks when they close it; a
# file keeps every thread on its own connection, as with PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per run, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"matcompanion-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_matcompanion_{os.getpid()}"}  # noqa: F405

# Live-server request threads must not keep PostgreSQL connections open past
# a request, or the test database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
