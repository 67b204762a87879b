"""The periodic jobs the schedule runs: clinic.background.jobs (task results
and heartbeats pruned by age) and accounts.services.delete_expired_invitations
(links never used, run out over 30 days ago, deleted with an audit row each).
Each is run twice to show that a second run changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent, Invitation, Patient
from accounts.services import delete_expired_invitations
from clinic.background.jobs import forget_stale_heartbeats, prune_task_results
from clinic.background.models import Heartbeat
from tests.factories import audit_mark, audit_since

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db


def task_result(status: str, finished_days_ago: float | None) -> DBTaskResult:
    finished_at = None if finished_days_ago is None else NOW - finished_days_ago * DAY
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tests.background.tasks.record",
        backend_name="default",
        run_after=NOW,
        finished_at=finished_at,
    )


def test_finished_results_are_pruned_failures_kept_longer():
    kept = [
        task_result(TaskResultStatus.SUCCESSFUL, 6.9),
        task_result(TaskResultStatus.FAILED, 8),
        task_result(TaskResultStatus.FAILED, 29.9),
        task_result(TaskResultStatus.READY, None),
        task_result(TaskResultStatus.RUNNING, None),
    ]
    task_result(TaskResultStatus.SUCCESSFUL, 7)
    task_result(TaskResultStatus.FAILED, 30)
    assert prune_task_results(NOW) == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert prune_task_results(NOW) == 0


def test_heartbeats_unseen_for_a_day_are_forgotten():
    Heartbeat.objects.create(worker_id="gone", started_at=NOW - 3 * DAY, seen_at=NOW - DAY)
    Heartbeat.objects.create(worker_id="quiet", started_at=NOW - 3 * DAY, seen_at=NOW - DAY / 2)
    assert forget_stale_heartbeats(NOW) == 1
    assert list(Heartbeat.objects.values_list("worker_id", flat=True)) == ["quiet"]
    assert forget_stale_heartbeats(NOW) == 0


def invitation(patient: Patient, *, expired_days_ago: float, used: bool = False) -> Invitation:
    expires_at = NOW - expired_days_ago * DAY
    return Invitation.objects.create(
        patient=patient,
        token_hash=f"{patient.pk}-{expired_days_ago}-{used}".ljust(64, "0"),
        created_at=expires_at - 7 * DAY,
        expires_at=expires_at,
        used_at=expires_at - DAY if used else None,
    )


def test_invitations_run_out_over_30_days_ago_and_never_used_are_deleted_and_audited(pat, quinn):
    stale = [invitation(pat, expired_days_ago=30), invitation(quinn, expired_days_ago=400)]
    kept = [
        invitation(pat, expired_days_ago=29.9),
        invitation(pat, expired_days_ago=-3),  # still valid
        invitation(quinn, expired_days_ago=90, used=True),  # how the patient enrolled
    ]
    mark = audit_mark()
    assert delete_expired_invitations(NOW) == 2
    assert set(Invitation.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    rows = audit_since(mark).order_by("object_id")
    assert [
        (row.action, row.object_type, row.object_id, row.clinic_id, row.actor) for row in rows
    ] == [
        ("delete", "accounts.invitation", stale[0].pk, pat.clinic_id, None),
        ("delete", "accounts.invitation", stale[1].pk, quinn.clinic_id, None),
    ]
    assert delete_expired_invitations(NOW) == 0
    assert audit_since(mark).count() == 2


def test_expired_invitations_are_deleted_in_batches(pat, monkeypatch):
    monkeypatch.setattr("accounts.services.EXPIRED_INVITATIONS_BATCH", 2)
    for days in (31, 32, 33):
        invitation(pat, expired_days_ago=days)
    assert delete_expired_invitations(NOW) == 2
    assert delete_expired_invitations(NOW) == 1
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(object_type="accounts.invitation").count() == 3
