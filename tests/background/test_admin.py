"""The admin for clinic.background: staff see the workers' heartbeats and the
periodic jobs' turns, and change nothing."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from clinic.background.models import Heartbeat, ScheduledJob

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def beat(db):
    return Heartbeat.objects.create(worker_id="web1-4242", started_at=T0, seen_at=T0)


@pytest.fixture
def job(db):
    return ScheduledJob.objects.create(name="tasks.prune_results", next_run_at=T0)


@pytest.mark.parametrize(
    ("model", "shown"), [("heartbeat", "web1-4242"), ("scheduledjob", "tasks.prune_results")]
)
def test_staff_see_workers_and_jobs(staff_client, beat, job, model, shown):
    listing = staff_client.get(reverse(f"admin:background_{model}_changelist"))
    assert listing.status_code == 200
    assert shown in listing.text
    assert staff_client.get(reverse(f"admin:background_{model}_add")).status_code == 403


def test_staff_cannot_move_a_jobs_turn(staff_client, job):
    change = reverse("admin:background_scheduledjob_change", args=[job.pk])
    assert staff_client.post(change, {"next_run_at": "2020-01-01T10:00"}).status_code == 403
    delete = reverse("admin:background_scheduledjob_delete", args=[job.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.next_run_at == T0


def test_practitioners_do_not_reach_it(alice_client, beat):
    response = alice_client.get(reverse("admin:background_heartbeat_changelist"))
    assert response.status_code == 302
