"""Who the signed-in person is, read in one query after the session.

Django's ``get_user`` asks the session's backend for the user row, and then
every page reads the membership or the patient record and the clinic one by
one (the time-zone middleware, ``role_of``, the access helpers). Here the
user row comes with all three joined in, so ``user.membership.clinic`` and
``user.patient.clinic`` cost nothing more.

The session checks are Django's own (``django.contrib.auth.get_user``),
repeated here because its backend call cannot be given a ``select_related``;
backends that read the user their own way keep doing so.

The query is ``User._default_manager.select_related(*IDENTITY).get(pk=...)``,
but compiling it cost more than half of a signed-in request's CPU; so its SQL
is built once per process from the models' ``_meta`` (accounts.fixed_rows),
and its row becomes the very objects, caches included, that select_related
makes (tests/accounts/test_identity_rows.py compares the two). The user
manager adds no filter of its own, or this could not stand in for it.
"""

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    _get_user_session_key,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from accounts import fixed_rows
from accounts.models import User

# The rows every signed-in page needs beside the user: one join each.
IDENTITY = ("membership__clinic", "patient__clinic", "patient__primary_practitioner__user")


# What ``SessionStore.take_user`` answers when it read no user for this id.
MISSING = object()

# The user row found by its primary key.
BY_PK = (("pk", "="),)


def load_identity(user_id) -> User | None:
    """The user with ``pk=user_id`` and their identity rows cached, exactly as
    ``User._default_manager.select_related(*IDENTITY).get(pk=user_id)`` gives
    them (None where it raises DoesNotExist), without compiling the query."""
    return fixed_rows.one_row(User, User._default_manager.db, BY_PK, [user_id], IDENTITY)


def _load(request, backend, user_id):
    if type(backend).get_user is not ModelBackend.get_user:
        return backend.get_user(user_id)
    # Read with the session row, when the session store could (one query for both).
    user = request.session.take_user(user_id) if hasattr(request.session, "take_user") else MISSING
    if user is MISSING:
        user = load_identity(user_id)
    if user is None:
        return None
    return user if backend.user_can_authenticate(user) else None


def get_user(request):
    """As ``django.contrib.auth.get_user``, with the person's identity joined in."""
    user = None
    try:
        user_id = _get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = _load(request, load_backend(backend_path), user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                verified = bool(session_hash) and constant_time_compare(
                    session_hash, user.get_session_auth_hash()
                )
                if not verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


class IdentityAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's, with ``request.user`` read by ``get_user`` above."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
