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
from django.db import router
from django.utils import timezone

from accounts import fixed_rows

# This key, not yet expired: the conditions of Django's own query.
CURRENT = (("session_key", "="), ("expire_date", ">"))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            model = self.model
            using = router.db_for_read(model)
            found = fixed_rows.one_row(model, using, CURRENT, [self.session_key, timezone.now()])
            if found is None:
                raise model.DoesNotExist
            return found
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            # As Django's: a missing or expired row forgets the key.
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
