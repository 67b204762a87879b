"""clinic.background.schedule: two workers reaching for the same turn at the
same moment run it once.

The test holds the job's row until both workers wait for it, so their
UPDATEs surely collide. PostgreSQL only (see tests/concurrency.py); CI runs it there.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from clinic.background.models import ScheduledJob
from clinic.background.schedule import Job, run_due
from tests.background import tasks
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JOBS = {"tests.count": Job(timedelta(hours=1), "tests.background.tasks.count_turn")}


def test_two_workers_claiming_one_turn_run_it_once():
    tasks.called.clear()
    ScheduledJob.objects.create(name="tests.count", next_run_at=T0)
    with transaction.atomic():
        ScheduledJob.objects.select_for_update().get(name="tests.count")
        finish = start_together(2, lambda index: run_due(T0, f"w{index}", JOBS))
        wait_until_blocked(2)
    results = finish()
    assert sorted(results) == [[], ["tests.count"]], results
    assert len(tasks.called) == 1
    assert ScheduledJob.objects.get().next_run_at == T0 + timedelta(hours=1)
