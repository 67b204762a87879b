"""The health checks (clinic/health.py): /healthz/ is alive, /readyz/ is ready.

A database that is really stopped is tested with a served site in
tests/test_serving.py; here the connection is made to fail in-process.
"""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from clinic import health
from clinic.background.models import Heartbeat


@pytest.fixture(autouse=True)
def _fresh_migration_state():
    health.forget_migrations()
    yield
    health.forget_migrations()


def beat(age: timedelta, worker_id: str = "worker-1") -> Heartbeat:
    now = timezone.now()
    return Heartbeat.objects.create(worker_id=worker_id, started_at=now - age, seen_at=now - age)


def checks(response) -> dict:
    return json.loads(response.content)["checks"]


def test_healthz_answers_without_the_database(visitor_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = visitor_client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_while_the_database_is_unreachable(visitor_client):
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError):
        response = visitor_client.get(reverse("healthz"))
    assert response.status_code == 200


def test_ready_with_a_live_worker(visitor_client):
    beat(timedelta(seconds=30))
    response = visitor_client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_signed_in_person_gets_the_same_answer(pat_client):
    beat(timedelta(seconds=30))
    response = pat_client.get(reverse("readyz"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_unreachable_database_is_503_naming_it(visitor_client):
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("gone")):
        response = visitor_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unreachable", "migrations": "not_checked", "worker": "not_checked"},
    }


def test_no_worker_ever_is_503(visitor_client):
    response = visitor_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "migrations": "ok", "worker": "missing"}


@pytest.mark.parametrize(("age", "state"), [(119, "ok"), (120, "stale"), (3600, "stale")])
def test_worker_counts_as_live_for_two_minutes(visitor_client, age, state):
    beat(timedelta(seconds=age))
    response = visitor_client.get(reverse("readyz"))
    assert checks(response)["worker"] == state
    assert response.status_code == (200 if state == "ok" else 503)


def test_one_live_worker_among_stale_ones_is_enough(visitor_client):
    beat(timedelta(hours=1), "old")
    beat(timedelta(seconds=5), "new")
    assert visitor_client.get(reverse("readyz")).status_code == 200


def test_an_unapplied_migration_is_503(visitor_client):
    beat(timedelta(seconds=5))
    MigrationRecorder.Migration.objects.filter(app="background").delete()
    response = visitor_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "migrations": "unapplied", "worker": "ok"}


def test_applied_migrations_are_trusted_for_a_minute_then_checked_again(visitor_client):
    beat(timedelta(seconds=5))
    now = 1000.0
    with mock.patch("clinic.health.time.monotonic", side_effect=lambda: now):
        assert visitor_client.get(reverse("readyz")).status_code == 200
        MigrationRecorder.Migration.objects.filter(app="background").delete()
        now += 59
        assert visitor_client.get(reverse("readyz")).status_code == 200
        now += 2
        assert checks(visitor_client.get(reverse("readyz")))["migrations"] == "unapplied"


def test_pending_migrations_are_checked_on_every_call(visitor_client):
    beat(timedelta(seconds=5))
    applied = list(MigrationRecorder.Migration.objects.filter(app="background").values())
    MigrationRecorder.Migration.objects.filter(app="background").delete()
    assert visitor_client.get(reverse("readyz")).status_code == 503
    MigrationRecorder.Migration.objects.bulk_create(
        MigrationRecorder.Migration(**row) for row in applied
    )
    assert visitor_client.get(reverse("readyz")).status_code == 200


def test_a_failing_query_after_connecting_counts_as_unknown(visitor_client):
    beat(timedelta(seconds=5))
    with (
        mock.patch("clinic.health.MigrationExecutor", side_effect=OperationalError),
        mock.patch.object(Heartbeat.objects, "aggregate", side_effect=OperationalError),
    ):
        response = visitor_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "migrations": "unknown", "worker": "unknown"}


def test_readyz_cost_in_queries(visitor_client, django_assert_max_num_queries):
    beat(timedelta(seconds=5))
    visitor_client.get(reverse("readyz"))  # works the migration plan out and keeps it
    with django_assert_max_num_queries(2):
        assert visitor_client.get(reverse("readyz")).status_code == 200


def test_answers_hold_no_host_names_versions_or_errors(visitor_client):
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("db.internal:5432 refused")
    ):
        body = visitor_client.get(reverse("readyz")).content.decode()
    assert "db.internal" not in body
    assert "5432" not in body
    assert set(json.loads(body)) == {"status", "checks"}


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_only_get_and_head(visitor_client, name):
    assert visitor_client.head(reverse(name)).status_code in {200, 503}
    assert visitor_client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_plain_http_probe_is_not_redirected_to_https(visitor_client, settings, name):
    settings.SECURE_SSL_REDIRECT = True
    assert visitor_client.get(reverse(name)).status_code in {200, 503}
    assert visitor_client.get(reverse("login")).status_code == 301
