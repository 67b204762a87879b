"""A password changed by its owner, or set from a reset link, leaves a
``password_changed`` audit row naming the user (never the password)."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from clinic.notifications.models import OutgoingEmail
from tests.conftest import PASSWORD
from tests.sudo import confirmed


def _rows():
    return AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED)


@pytest.mark.parametrize("who", ["pat", "alice"])
def test_changing_ones_password_is_audited(who, request):
    person = request.getfixturevalue(who)
    client = confirmed(request.getfixturevalue(f"{who}_client"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-mat-pass",
            "new_password2": "a-new-mat-pass",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    (row,) = _rows()
    user = person.user
    assert (row.actor, row.object_type, row.object_id) == (user, "accounts.user", user.pk)
    assert row.clinic_id == person.clinic_id
    assert row.path == reverse("password_change")


def test_a_refused_change_is_not_audited(pat_client):
    client = confirmed(pat_client)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-new-mat-pass", "new_password2": "x"},
    )
    assert response.status_code == 200
    assert not _rows().exists()


def test_a_password_set_from_a_reset_link_is_audited(visitor_client, pat):
    visitor_client.post(reverse("password_reset"), {"email": pat.email})
    email = OutgoingEmail.objects.get()
    link = re.search(r"http://testserver(/password-reset/\S+/)", email.text_body).group(1)
    form_url = visitor_client.get(link, follow=True).redirect_chain[-1][0]
    # A mismatch first: nothing is written.
    visitor_client.post(form_url, {"new_password1": "fresh-mat-pass-9", "new_password2": "no"})
    assert not _rows().exists()
    response = visitor_client.post(
        form_url, {"new_password1": "fresh-mat-pass-9", "new_password2": "fresh-mat-pass-9"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    (row,) = _rows()
    assert (row.actor, row.object_id, row.clinic_id) == (pat.user, pat.user.pk, pat.clinic_id)
