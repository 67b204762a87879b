"""Which database constraint refused a write.

A service that turns a refused duplicate into a friendly refusal must be sure
the duplicate is the one it means: any other IntegrityError is a fault to be
seen, not a message to the person. PostgreSQL names the constraint in the
error's diagnostics (psycopg's ``diag.constraint_name``); SQLite names it in
the message only for a unique index on expressions ("UNIQUE constraint
failed: index 'name'"), which is how Django builds a ``UniqueConstraint``
over ``Lower(...)`` or with a condition.
"""

import re

from django.db import IntegrityError

_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint ``error`` reports, if the database gave one."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:
        return diag.constraint_name
    match = _SQLITE_INDEX.search(str(error))
    return match.group(1) if match else None
