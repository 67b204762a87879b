"""Django's database sessions, in ``accounts.UserSession``: the session row
and the signed-in person's identity read by one fixed statement.

Every signed-in request reads its session row and then who the person is
(``accounts.identity``). Django's store keeps the user's id inside the
encoded data, so the two took a query each. This store also writes that id
to a column of the row when it saves, and reads the session with the user,
their membership or patient record and the clinic joined in; the identity
step then takes the user from here instead of asking again.

The statement is built once per model and database (``accounts.fixed_rows``)
and only run: the same conditions as Django's (this key, not yet expired),
the same answer (a session instance, or nothing and the key forgotten).
Everything else (saving, creating, deleting, the async methods) is Django's
own.
"""

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import router
from django.utils import timezone

from accounts import fixed_rows
from accounts.identity import IDENTITY, MISSING
from accounts.models import User

# This key, not yet expired: the conditions of Django's own query.
CURRENT = (("session_key", "="), ("expire_date", ">"))
# The user and their identity rows, joined to the session row.
WITH_USER = ("user", *(f"user__{path}" for path in IDENTITY))


def _as_user_id(raw):
    """A user id as the column holds it; None for none or one that is not an id."""
    if raw is None:
        return None
    try:
        return User._meta.pk.to_python(raw)
    except ValidationError:
        return None


def _user_id(data: dict):
    """The signed-in user's id in the session's data, as the column holds it."""
    return _as_user_id(data.get(SESSION_KEY))


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_id(data)
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.user_id = _user_id(data)
        return session

    def _get_session_from_db(self):
        self._read_user = MISSING
        try:
            model = self.model
            using = router.db_for_read(model)
            # The user comes along only from the database the site reads users from.
            related = WITH_USER if using == User._default_manager.db else ()
            found = fixed_rows.one_row(
                model, using, CURRENT, [self.session_key, timezone.now()], related
            )
            if found is None:
                raise model.DoesNotExist
            if related:
                self._read_user = (found.user_id, found._state.fields_cache.get("user"))
            return found
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            # As Django's: a missing or expired row forgets the key.
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None

    def take_user(self, user_id):
        """The user (with identity rows) read with this session's row, if it
        was read for ``user_id`` (None if no such user); else ``MISSING``.
        Answers once: a later call reads the user afresh."""
        read, self._read_user = getattr(self, "_read_user", MISSING), MISSING
        if read is MISSING:
            return MISSING
        read_id, user = read
        if read_id is None or read_id != _as_user_id(user_id):
            return MISSING
        return user


def clear_expired_sessions(now) -> int:
    """The scheduled job: delete the sessions whose time is over (as
    ``manage.py clearsessions`` does), and any that Django's own table still
    holds from before the sessions moved here. Returns how many went."""
    from django.contrib.sessions.models import Session

    from accounts.models import UserSession

    deleted = 0
    for model in (UserSession, Session):
        count, _ = model.objects.filter(expire_date__lt=now).delete()
        deleted += count
    return deleted
