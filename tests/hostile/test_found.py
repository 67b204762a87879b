"""The bugs the hostile tests found, each pinned by the smallest request
that showed it. Every one used to be a server error (500 on SQLite, a
database error and the 503 page on PostgreSQL)."""

import pytest
from django.urls import reverse

from clinic.usage.models import SideEffectReport

TOO_BIG = "9223372036854775808"  # 2**63: past any integer column


@pytest.mark.parametrize("report_id", [TOO_BIG, "-" + TOO_BIG, " ", "١٢", "1e309"])
def test_marking_seen_an_id_no_report_could_have_is_a_400(alice_client, world, report_id):
    patient_pk = world["patient"]["pk"]
    response = alice_client.post(
        reverse("review-mark-seen", args=[patient_pk]), {"reports": [report_id]}
    )
    assert response.status_code == 400
    assert "Those reports could not be found. Reload the page." in response.text
    assert not SideEffectReport.objects.filter(seen_at__isnull=False).exists()


@pytest.mark.parametrize("user_id", [" ", TOO_BIG, "1e309", "-1"])
@pytest.mark.parametrize(
    "url, fields",
    [
        ("/admin/accounts/membership/add/", {"role": "practitioner"}),
        ("/admin/accounts/patient/add/", {"full_name": "A", "email": "a@a.example"}),
        (
            "/admin/accounts/clinic/add/",
            {
                "name": "C",
                "slug": "c",
                "time_zone": "Europe/London",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "0",
                "memberships-0-role": "practitioner",
            },
        ),
    ],
)
def test_an_admin_autocomplete_with_an_id_no_user_could_have_says_so(
    staff_client, url, fields, user_id
):
    from accounts.models import Clinic, Membership, Patient

    key = "memberships-0-user" if "clinic" in url else "user"
    before = (Clinic.objects.count(), Membership.objects.count(), Patient.objects.count())
    response = staff_client.post(url, {**fields, key: user_id})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert (Clinic.objects.count(), Membership.objects.count(), Patient.objects.count()) == before
