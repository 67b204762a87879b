"""Audit rows are written once: the ORM refuses to change or delete them, and
the cascades around them still do what the trail needs."""

import pytest
from django.db.models import ProtectedError

from accounts import audit
from accounts.models import AuditEvent, AuditTrailIsPermanent, Clinic, User


@pytest.fixture
def event(alice, pat) -> AuditEvent:
    return audit.write(audit.Actor(user=alice.user), "view", pat, clinic_id=pat.clinic_id)


def test_saving_a_row_again_is_refused(event):
    event.action = "delete"
    with pytest.raises(AuditTrailIsPermanent):
        event.save()
    event.refresh_from_db()
    assert event.action == "view"


def test_deleting_a_row_is_refused(event):
    with pytest.raises(AuditTrailIsPermanent):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_updating_or_deleting_through_the_manager_is_refused(event):
    with pytest.raises(AuditTrailIsPermanent):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(AuditTrailIsPermanent):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsPermanent):
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(AuditTrailIsPermanent):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "delete"})
    assert AuditEvent.objects.values_list("action", flat=True).get() == "view"


def test_new_rows_are_still_added(event, alice, pat):
    audit.write(audit.Actor(user=alice.user), "export", pat, clinic_id=pat.clinic_id)
    assert AuditEvent.objects.count() == 2


def test_deleting_a_person_keeps_their_rows_without_them(carol, pat):
    """Erasing an account is allowed; what they did stays, by someone no longer named."""
    event = audit.write(audit.Actor(user=carol.user), "view", pat, clinic_id=pat.clinic_id)
    user_id = carol.user.pk
    carol.user.delete()
    event.refresh_from_db()
    assert event.actor_id is None
    assert (event.action, event.object_type) == ("view", "accounts.patient")
    assert not User.objects.filter(pk=user_id).exists()


def test_a_clinic_with_rows_cannot_be_deleted(event):
    clinic = Clinic.objects.get(pk=event.clinic_id)
    # The clinic's patients and members protect it too; the trail alone must as well.
    with pytest.raises(ProtectedError) as refused:
        clinic.delete()
    assert any(isinstance(obj, AuditEvent) for obj in refused.value.protected_objects)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
