"""Django's database sessions, with the session row read by a fixed statement.

Every signed-in request reads its session row. Django's ``SessionStore``
asks the ORM, which compiles the same SELECT again each time, and the
compiling costs several times what the database does. Here the SELECT is
built once per model and connection and only run: the same conditions (this
key, not yet expired), the same answer (a session instance, or nothing and
the key forgotten). Everything else (saving, creating, deleting, the async
methods) is Django's own.
"""

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

from accounts import fixed_rows

_statements: dict[tuple, tuple] = {}


def _statement(model, using: str):
    key = (model, using)
    if key not in _statements:
        connection = connections[using]
        quote = connection.ops.quote_name
        opts = model._meta
        cols = fixed_rows.Columns(model, opts.db_table)
        session_key = quote(opts.get_field("session_key").column)
        expire_date = quote(opts.get_field("expire_date").column)
        table = quote(opts.db_table)
        sql = (
            f"SELECT {', '.join(cols.select(quote))} FROM {table} "  # noqa: S608
            f"WHERE {table}.{session_key} = %s AND {table}.{expire_date} > %s"
        )
        _statements[key] = (sql, cols, fixed_rows.converters([cols], connection))
    return _statements[key]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            model = self.model
            using = router.db_for_read(model)
            connection = connections[using]
            sql, cols, convs = _statement(model, using)
            opts = model._meta
            params = [
                opts.get_field("session_key").get_db_prep_value(self.session_key, connection),
                opts.get_field("expire_date").get_db_prep_value(timezone.now(), connection),
            ]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if row is None:
                raise model.DoesNotExist
            return fixed_rows.instance(cols, using, fixed_rows.convert(row, convs, connection))
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            # As Django's: a missing or expired row forgets the key.
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
