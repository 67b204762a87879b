"""Everything done in the Django admin leaves audit rows, from one hook
(accounts.admin_audit): lists, pages read, additions, changes, deletions and
actions, with the object's clinic and nothing typed into the search box."""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.admin_audit import AuditedAdminSite, AuditedModelAdmin
from accounts.models import AuditEvent, Membership, Patient
from clinic.notifications.models import OutgoingEmail, Status
from tests.conftest import make_user


def _rows(action: str):
    return AuditEvent.objects.filter(action=action).order_by("pk")


def test_every_registered_admin_is_audited():
    assert isinstance(admin.site, AuditedAdminSite)
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []
    # Third-party admins too (django-axes, django-otp, auth's groups).
    labels = {model._meta.label for model in admin.site._registry}
    assert {"auth.Group", "axes.AccessAttempt", "otp_totp.TOTPDevice"} <= labels


def test_a_change_list_is_one_row_with_how_many_were_shown(staff_client, staff, pat, quinn):
    url = reverse("admin:accounts_patient_changelist")
    assert staff_client.get(url, {"q": "Quinn"}).status_code == 200
    event = _rows("list").get()
    assert (event.actor, event.clinic_id, event.count) == (staff, None, 1)
    assert (event.object_type, event.object_id) == ("accounts.patient", None)
    assert event.path == url  # the search is not kept
    assert "Quinn" not in " ".join(str(value) for value in event.__dict__.values())
    staff_client.get(url)
    assert _rows("list").last().count == 2


def test_opening_an_object_is_a_view_with_its_clinic(staff_client, pat):
    staff_client.get(reverse("admin:accounts_patient_change", args=[pat.pk]))
    staff_client.get(reverse("admin:accounts_patient_history", args=[pat.pk]))
    staff_client.get(reverse("admin:accounts_patient_delete", args=[pat.pk]))
    views = list(_rows("view").values_list("object_type", "object_id", "clinic_id"))
    assert views == [("accounts.patient", pat.pk, pat.clinic_id)] * 3
    assert Patient.objects.filter(pk=pat.pk).exists()  # the confirmation deleted nothing


def test_adding_changing_and_deleting_are_recorded(staff_client, staff, clinic_a, clinic_b):
    newcomer = make_user("newcomer@a.example", "New Comer")
    staff_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": newcomer.pk, "clinic": clinic_a.pk, "role": "practitioner"},
    )
    membership = Membership.objects.get(user=newcomer)
    staff_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": newcomer.pk, "clinic": clinic_a.pk, "role": "clinic_admin"},
    )
    staff_client.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    written = list(
        AuditEvent.objects.filter(action__in=["create", "update", "delete"])
        .order_by("pk")
        .values_list("action", "object_type", "object_id", "clinic_id", "actor")
    )
    row = ("accounts.membership", membership.pk, clinic_a.pk, staff.pk)
    assert written == [("create", *row), ("update", *row), ("delete", *row)]


def test_delete_selected_records_each_deletion(staff_client, clinic_a, alice):
    members = [
        Membership.objects.create(user=make_user(f"m{i}@a.example"), clinic=clinic_a)
        for i in range(3)
    ]
    url = reverse("admin:accounts_membership_changelist")
    chosen = [members[0].pk, members[2].pk]
    staff_client.post(
        url,
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: chosen, "post": "yes"},
    )
    deleted = sorted(_rows("delete").values_list("object_id", flat=True))
    assert deleted == sorted(chosen)
    assert not _rows("update").exists()


def test_other_actions_record_each_chosen_object(staff_client, db):
    failed = OutgoingEmail.objects.create(
        from_email="x@x",
        to=["a@x.example"],
        subject="S",
        status=Status.FAILED,
        last_error="Refused by the server.",
    )
    other = OutgoingEmail.objects.create(from_email="x@x", to=["b@x.example"], subject="T")
    response = staff_client.post(
        reverse("admin:notifications_outgoingemail_changelist"),
        {"action": "retry_failed", helpers.ACTION_CHECKBOX_NAME: [failed.pk]},
    )
    assert response.status_code == 302
    assert list(_rows("update").values_list("object_type", "object_id")) == [
        ("notifications.outgoingemail", failed.pk)
    ]
    assert not _rows("update").filter(object_id=other.pk).exists()


def test_an_action_with_nothing_chosen_records_nothing(staff_client, db):
    staff_client.post(
        reverse("admin:notifications_outgoingemail_changelist"), {"action": "retry_failed"}
    )
    assert not _rows("update").exists()


@pytest.mark.parametrize("persona", ["alice_client", "visitor_client"])
def test_people_who_cannot_use_the_admin_leave_no_admin_rows(persona, request, pat):
    client = request.getfixturevalue(persona)
    client.get(reverse("admin:accounts_patient_changelist"))
    assert not AuditEvent.objects.exists()
