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
from django.db import connections
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from accounts import fixed_rows
from accounts.models import User

# The rows every signed-in page needs beside the user: one join each.
IDENTITY = ("membership__clinic", "patient__clinic", "patient__primary_practitioner__user")


class _Join:
    """One model of ``IDENTITY`` in the fixed statement: its columns, the
    join that reaches it, and how it is cached on the object it hangs from,
    the way the ORM's select_related caches it (RelatedPopulator)."""

    def __init__(self, model, alias: str, start: int, relation=None, parent=None):
        self.cols = fixed_rows.Columns(model, alias, start)
        self.children: list[_Join] = []
        self.join = ""
        if relation is None:
            return
        if relation.concrete:
            # A forward foreign key or one-to-one: parent.<name> -> model.
            target = relation.target_field
            on = (relation.column, target.column)
            self.local_setter = relation.set_cached_value
            self.remote_setter = relation.remote_field.set_cached_value if relation.unique else None
            self.join_on = (parent.cols.alias, on[0], alias, on[1])
        else:
            # A reverse one-to-one: parent.<related_name> -> model.
            if not relation.one_to_one:
                raise TypeError(f"{relation} is not a one-to-one relation.")
            forward = relation.field
            self.local_setter = relation.set_cached_value
            self.remote_setter = forward.set_cached_value
            self.join_on = (parent.cols.alias, forward.target_field.column, alias, forward.column)

    def populate(self, row, db: str, parent) -> None:
        obj = fixed_rows.instance(self.cols, db, row)
        if obj is not None:
            for child in self.children:
                child.populate(row, db, obj)
        self.local_setter(parent, obj)
        if obj is not None and self.remote_setter is not None:
            self.remote_setter(obj, parent)


class _IdentityStatement:
    """``User.select_related(*IDENTITY).get(pk=...)`` as one SQL statement
    built once for a connection, and its row turned into the same objects."""

    def __init__(self, using: str):
        connection = connections[using]
        quote = connection.ops.quote_name
        self.root = _Join(User, "T0", 0)
        joins = [self.root]
        for path in IDENTITY:
            node = self.root
            for name in path.split("__"):
                child = next((c for c in node.children if c.name == name), None)
                if child is None:
                    relation = node.cols.model._meta.get_field(name)
                    child = _Join(
                        relation.related_model,
                        f"T{len(joins)}",
                        joins[-1].cols.end,
                        relation,
                        node,
                    )
                    child.name = name
                    node.children.append(child)
                    joins.append(child)
                node = child
        select = [column for join in joins for column in join.cols.select(quote)]
        table = quote(User._meta.db_table)
        sql = [f"SELECT {', '.join(select)} FROM {table} {quote('T0')}"]  # noqa: S608
        for join in joins[1:]:
            parent_alias, parent_column, alias, column = join.join_on
            sql.append(
                f"LEFT OUTER JOIN {quote(join.cols.model._meta.db_table)} {quote(alias)} "
                f"ON ({quote(parent_alias)}.{quote(parent_column)} = "
                f"{quote(alias)}.{quote(column)})"
            )
        pk = quote(User._meta.pk.column)
        sql.append(f"WHERE {quote('T0')}.{pk} = %s")
        self.sql = " ".join(sql)
        self.convs = fixed_rows.converters([join.cols for join in joins], connection)

    def get(self, using: str, user_id) -> User | None:
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [User._meta.pk.get_db_prep_value(user_id, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        row = fixed_rows.convert(row, self.convs, connection)
        user = fixed_rows.instance(self.root.cols, using, row)
        for child in self.root.children:
            child.populate(row, using, user)
        return user


_statements: dict[str, _IdentityStatement] = {}


def load_identity(user_id) -> User | None:
    """The user with ``pk=user_id`` and their identity rows cached, exactly as
    ``User._default_manager.select_related(*IDENTITY).get(pk=user_id)`` gives
    them (None where it raises DoesNotExist), without compiling the query."""
    using = User._default_manager.db
    if using not in _statements:
        _statements[using] = _IdentityStatement(using)
    return _statements[using].get(using, user_id)


def _load(backend, user_id):
    if type(backend).get_user is not ModelBackend.get_user:
        return backend.get_user(user_id)
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
            user = _load(load_backend(backend_path), user_id)
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
