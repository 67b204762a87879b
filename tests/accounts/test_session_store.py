"""The site's session store reads the session row with a fixed statement and
answers exactly as Django's database store does: the same row, nothing for a
missing or expired one, and the key forgotten then."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.session_store import SessionStore


def _saved(data: dict, expires_in: timedelta = timedelta(hours=1)) -> str:
    store = django_db.SessionStore()
    store.update(data)
    store.set_expiry(int(expires_in.total_seconds()))
    store.save()
    return store.session_key


def _row(session) -> tuple:
    return (
        type(session),
        {f.attname: getattr(session, f.attname) for f in Session._meta.concrete_fields},
        session._state.db,
        session._state.adding,
        vars(session._state).get("fetch_mode"),
    )


def test_the_site_uses_this_store():
    assert import_module(settings.SESSION_ENGINE).SessionStore is SessionStore


@pytest.mark.django_db
def test_a_live_session_is_the_row_django_reads():
    key = _saved({"answer": 42, "name": "Pat"})
    ours = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        row = ours._get_session_from_db()
    assert len(queries.captured_queries) == 1
    assert _row(row) == _row(django_db.SessionStore(key)._get_session_from_db())
    assert SessionStore(key).load() == django_db.SessionStore(key).load()
    assert SessionStore(key)["name"] == "Pat"
    assert SessionStore(key)["answer"] == 42


@pytest.mark.django_db
@pytest.mark.parametrize("store_class", [SessionStore, django_db.SessionStore])
def test_an_expired_session_is_empty_and_its_key_forgotten(store_class):
    key = _saved({"answer": 42})
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = store_class(key)
    assert store._get_session_from_db() is None
    assert store.session_key is None
    assert store_class(key).load() == {}


@pytest.mark.django_db
@pytest.mark.parametrize("store_class", [SessionStore, django_db.SessionStore])
def test_a_session_expiring_this_instant_is_already_expired(store_class, monkeypatch):
    key = _saved({"answer": 42})
    expires = Session.objects.get(pk=key).expire_date
    monkeypatch.setattr(timezone, "now", lambda: expires)
    store = store_class(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.django_db
@pytest.mark.parametrize("store_class", [SessionStore, django_db.SessionStore])
def test_an_unknown_key_is_empty_and_forgotten(store_class):
    store = store_class("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.django_db
def test_saving_and_deleting_are_djangos():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    assert Session.objects.filter(pk=key).exists()
    assert SessionStore(key)["answer"] == 42
    store.delete()
    assert not Session.objects.filter(pk=key).exists()
