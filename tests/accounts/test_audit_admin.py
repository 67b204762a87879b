"""Everything done in the Django admin leaves audit rows, from one hook
(accounts.admin_audit): lists, pages read, additions, changes, deletions and
actions, with the object's clinic and nothing typed into the search box."""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import reverse

from accounts import audit
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


# --- Reads the admin makes outside its plain pages -------------------------------------


def test_an_autocomplete_answer_is_a_list_with_how_many_were_sent(staff_client, staff, pat, quinn):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "patient", "field_name": "user", "term": "Quinn"},
    )
    assert response.status_code == 200
    sent = response.json()["results"]
    assert len(sent) == 1
    event = _rows("list").get()
    assert (event.actor, event.clinic_id, event.count) == (staff, None, 1)
    assert (event.object_type, event.object_id) == ("accounts.user", None)
    assert event.path == reverse("admin:autocomplete")  # neither the search nor who was found
    assert AuditEvent.objects.count() == 1


def test_an_autocomplete_refused_by_permissions_is_a_refuse_row(viewer_client, pat):
    # The viewer may see patients, not accounts: the answer would list accounts.
    response = viewer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "patient", "field_name": "user", "term": "P"},
    )
    assert response.status_code == 403
    written = list(AuditEvent.objects.values_list("action", "object_type", "object_id"))
    assert written == [("refuse", "accounts.user", None)]


def test_a_post_that_fails_its_checks_is_recorded_as_a_view(staff_client, pat):
    url = reverse("admin:accounts_patient_change", args=[pat.pk])
    response = staff_client.post(url, {"full_name": "", "clinic": pat.clinic_id})
    assert response.status_code == 200
    assert response.context_data["adminform"].form.errors
    written = list(
        AuditEvent.objects.values_list("action", "object_type", "object_id", "clinic_id")
    )
    assert written == [("view", "accounts.patient", pat.pk, pat.clinic_id)]


def test_a_delete_confirmation_posted_again_is_a_view_not_a_deletion(staff_client, pat):
    # Pat's plan-free record still protects nothing, so use a protected one:
    # the clinic, which its patients and members protect.
    url = reverse("admin:accounts_clinic_delete", args=[pat.clinic_id])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert list(AuditEvent.objects.values_list("action", "object_type")) == [
        ("view", "accounts.clinic")
    ]


@pytest.fixture
def viewer_client(db):
    """Staff who may look at patients in the admin and change nothing."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    viewer = make_user("viewer@clinic.example", "Vic Viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_patient"))
    client = Client()
    client.force_login(viewer)
    client.user = viewer
    return client


def test_a_post_refused_by_permissions_is_a_refuse_row(viewer_client, pat):
    url = reverse("admin:accounts_patient_change", args=[pat.pk])
    response = viewer_client.post(url, {"full_name": "Someone Else", "clinic": pat.clinic_id})
    assert response.status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.clinic_id) == (
        "refuse",
        "accounts.patient",
        pat.pk,
        pat.clinic_id,
    )
    assert event.actor == viewer_client.user
    pat.refresh_from_db()
    assert pat.full_name != "Someone Else"


def test_pages_refused_by_permissions_are_refuse_rows(viewer_client, pat):
    for url in (
        reverse("admin:accounts_patient_delete", args=[pat.pk]),
        reverse("admin:accounts_patient_add"),
        reverse("admin:accounts_membership_changelist"),
    ):
        assert viewer_client.get(url).status_code == 403, url
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "object_type", "object_id")
    ) == [
        ("refuse", "accounts.patient", pat.pk),
        ("refuse", "accounts.patient", None),
        ("refuse", "accounts.membership", None),
    ]


MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_change_list_is_one_list_row(staff_client, pat, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    shown = len(response.context_data["cl"].result_list)
    lists = list(_rows("list").values_list("object_type", "count"))
    assert lists == [(model._meta.label_lower, shown)]


# --- The trail itself stays as it was written --------------------------------------------


def test_the_trail_cannot_be_added_to_changed_or_deleted_in_the_admin(staff_client, alice, pat):
    event = audit.write(audit.Actor(user=alice.user), "view", pat, clinic_id=pat.clinic_id)
    changelist = staff_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.text
    model_admin = admin.site.get_model_admin(AuditEvent)
    assert model_admin.get_actions(changelist.wsgi_request) == {}
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    page = staff_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    attempts = [
        staff_client.post(change, {"action": "delete", "path": "/elsewhere/"}),
        staff_client.get(reverse("admin:accounts_auditevent_add")),
        staff_client.post(reverse("admin:accounts_auditevent_add"), {"action": "view"}),
        staff_client.get(reverse("admin:accounts_auditevent_delete", args=[event.pk])),
        staff_client.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ),
        staff_client.post(
            reverse("admin:accounts_auditevent_changelist"),
            {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [event.pk], "post": "yes"},
        ),
    ]
    assert [response.status_code for response in attempts[:5]] == [403] * 5
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.action, kept.path, kept.object_id) == ("view", event.path, pat.pk)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert not AuditEvent.objects.filter(action__in=["update", "delete", "create"]).exists()
    refused = AuditEvent.objects.filter(action="refuse", object_type="accounts.auditevent")
    assert refused.count() == 5
