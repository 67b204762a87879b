"""The site's session store keeps Django's database sessions in
``accounts.UserSession`` with the signed-in user's id in a column, and reads
the session row with the user's identity joined in: the same row and user
the ORM reads, nothing for a missing or expired row (the key forgotten then),
and the user handed on once to the sign-in step, so a signed-in request reads
both in one query."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.identity import MISSING
from accounts.models import UserSession
from accounts.session_store import WITH_USER, SessionStore, clear_expired_sessions
from clinic.background.schedule import JOBS
from tests.accounts.test_identity_rows import _described

MIGRATION = "0014_user_session"


def _saved(data: dict, expires_in: timedelta = timedelta(hours=1)) -> str:
    store = SessionStore()
    store.update(data)
    store.set_expiry(int(expires_in.total_seconds()))
    store.save()
    return store.session_key


def _orm(key):
    return UserSession.objects.select_related(*WITH_USER).get(
        session_key=key, expire_date__gt=timezone.now()
    )


def test_the_site_uses_this_store():
    assert import_module(settings.SESSION_ENGINE).SessionStore is SessionStore
    assert SessionStore.get_model_class() is UserSession
    assert UserSession.get_session_store_class() is SessionStore


@pytest.mark.django_db
def test_a_session_without_a_user_is_the_row_the_orm_reads():
    key = _saved({"answer": 42, "name": "Pat"})
    assert UserSession.objects.get(pk=key).user_id is None
    ours = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        row = ours._get_session_from_db()
    assert len(queries.captured_queries) == 1
    assert _described(row, "session") == _described(_orm(key), "session")
    assert SessionStore(key)["name"] == "Pat"
    assert SessionStore(key)["answer"] == 42


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["alice", "pat", "staff"])
def test_a_signed_in_session_comes_with_the_users_identity(person, request):
    found = request.getfixturevalue(person)
    user = getattr(found, "user", found)
    key = _saved({SESSION_KEY: str(user.pk), "answer": 42})
    assert UserSession.objects.get(pk=key).user_id == user.pk
    ours = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        row = ours._get_session_from_db()
    assert len(queries.captured_queries) == 1
    # The session, the user and every identity row, as select_related gives them.
    assert _described(row, "session") == _described(_orm(key), "session")
    with CaptureQueriesContext(connection) as queries:
        taken = ours.take_user(str(user.pk))
        _ = getattr(taken, "membership", None), getattr(taken, "patient", None)
    assert queries.captured_queries == []
    assert taken.pk == user.pk
    # Once only: asked again, the store has nothing read to hand on.
    assert ours.take_user(str(user.pk)) is MISSING


@pytest.mark.django_db
def test_the_user_is_handed_on_only_for_the_id_it_was_read_for(pat):
    key = _saved({SESSION_KEY: str(pat.user.pk)})
    for asked in (str(pat.user.pk + 1), "not a number"):
        store = SessionStore(key)
        store.load()
        assert store.take_user(asked) is MISSING
    # Nothing read yet: nothing to hand on.
    assert SessionStore(key).take_user(str(pat.user.pk)) is MISSING


@pytest.mark.django_db
def test_a_session_whose_user_is_gone_hands_on_no_user(pat):
    key = _saved({SESSION_KEY: str(pat.user.pk)})
    # As a session saved while its user was deleted (no constraint stops it).
    UserSession.objects.filter(pk=key).update(user_id=pat.user.pk + 1000)
    store = SessionStore(key)
    store.load()
    assert store.take_user(str(pat.user.pk + 1000)) is None


@pytest.mark.django_db
def test_deleting_a_user_deletes_their_sessions(pat, alice):
    pats = _saved({SESSION_KEY: str(pat.user.pk)})
    alices = _saved({SESSION_KEY: str(alice.user.pk)})
    pat.delete()
    pat.user.delete()
    assert not UserSession.objects.filter(pk=pats).exists()
    assert UserSession.objects.filter(pk=alices).exists()


@pytest.mark.django_db
def test_an_expired_session_is_empty_and_its_key_forgotten():
    key = _saved({"answer": 42})
    UserSession.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store._get_session_from_db() is None
    assert store.session_key is None
    assert SessionStore(key).load() == {}


@pytest.mark.django_db
def test_a_session_expiring_this_instant_is_already_expired(monkeypatch):
    key = _saved({"answer": 42})
    expires = UserSession.objects.get(pk=key).expire_date
    monkeypatch.setattr(timezone, "now", lambda: expires)
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.django_db
def test_an_unknown_key_is_empty_and_forgotten():
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.django_db
def test_saving_and_deleting_are_djangos():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    assert UserSession.objects.filter(pk=key).exists()
    assert SessionStore(key)["answer"] == 42
    store.delete()
    assert not UserSession.objects.filter(pk=key).exists()


@pytest.mark.django_db
def test_signing_in_and_out_keeps_the_column_true(client, pat):
    client.force_login(pat.user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert UserSession.objects.get(pk=key).user_id == pat.user.pk
    client.post(reverse("logout"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert not UserSession.objects.filter(user_id=pat.user.pk).exists()
    assert not UserSession.objects.filter(pk=key, user__isnull=False).exists()


@pytest.mark.django_db
def test_a_signed_in_page_reads_session_and_user_in_one_query(pat_client, pat):
    with CaptureQueriesContext(connection) as queries:
        response = pat_client.get(reverse("patient-home"))
    assert response.context["user"] == pat.user
    assert response.context["user"].patient.clinic == pat.clinic
    table = connection.ops.quote_name(UserSession._meta.db_table)
    user_table = connection.ops.quote_name("accounts_user")
    reads = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    assert len(reads) == 1
    assert f"JOIN {user_table}" in reads[0]
    # No second read of the user row by its own key.
    assert not any(f"FROM {user_table} " in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_the_migration_keeps_running_sessions_signed_in(pat):
    # Sessions as Django's own store kept them before the change.
    old = django_db.SessionStore()
    old[SESSION_KEY] = str(pat.user.pk)
    old.save()
    anonymous = django_db.SessionStore()
    anonymous["answer"] = 42
    anonymous.save()
    expired = django_db.SessionStore()
    expired[SESSION_KEY] = str(pat.user.pk)
    expired.set_expiry(-60)
    expired.save()
    odd = django_db.SessionStore()
    odd[SESSION_KEY] = "not an id"
    odd.save()
    # Its own step, on the models as they were then.
    then = MigrationExecutor(connection).loader.project_state(("accounts", MIGRATION))
    import_module(f"accounts.migrations.{MIGRATION}").keep_signed_in(then.apps, None)
    assert dict(UserSession.objects.values_list("session_key", "user_id")) == {
        old.session_key: pat.user.pk,
        anonymous.session_key: None,
        odd.session_key: None,
    }
    kept = SessionStore(old.session_key)
    assert kept[SESSION_KEY] == str(pat.user.pk)
    assert kept.take_user(str(pat.user.pk)) == pat.user


@pytest.mark.django_db
def test_the_hourly_job_deletes_only_sessions_past_their_expiry():
    running = _saved({"answer": 1}, timedelta(minutes=5))
    over = _saved({"answer": 2}, timedelta(minutes=1))
    old_running = django_db.SessionStore()
    old_running.save()
    old_over = django_db.SessionStore()
    old_over.set_expiry(60)
    old_over.save()
    later = timezone.now() + timedelta(minutes=3)
    assert clear_expired_sessions(later) == 2
    assert list(UserSession.objects.values_list("pk", flat=True)) == [running]
    assert list(Session.objects.values_list("pk", flat=True)) == [old_running.session_key]
    assert SessionStore(over).load() == {}
    assert "accounts.clear_expired_sessions" in JOBS
    assert import_string(JOBS["accounts.clear_expired_sessions"].target) is clear_expired_sessions
