"""A table the tests' tasks write to, so that runs in any process can be counted."""

import os
import threading
from datetime import datetime

from django.db import connection

TABLE = "background_test_run"

# Set by a task that makes the database go away (in-process tests only).
DATABASE_AWAY = threading.Event()


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(label varchar(100) NOT NULL, pid integer NOT NULL, at varchar(40) NOT NULL)"
        )


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def record(label: str, at: datetime | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (label, pid, at) VALUES (%s, %s, %s)",  # noqa: S608
            [label, os.getpid(), at.isoformat() if at else ""],
        )


def recorded(label: str | None = None) -> list[tuple[str, int, str]]:
    with connection.cursor() as cursor:
        if label is None:
            cursor.execute(f"SELECT label, pid, at FROM {TABLE}")  # noqa: S608
        else:
            cursor.execute(f"SELECT label, pid, at FROM {TABLE} WHERE label = %s", [label])  # noqa: S608
        return cursor.fetchall()
