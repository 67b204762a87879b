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


@pytest.mark.parametrize(
    "query",
    [
        "attempt_time__gte=0001-01-01&attempt_time__lt=0001-01-01",
        "attempt_time__gte=9999-12-31&attempt_time__lt=9999-12-31",
        "attempt_time__year=9999&attempt_time__month=12&attempt_time__day=31",
        "attempt_time__gte=-2026-01-01",
        "logout_time__lt=0001-01-01+00:00:00",
    ],
)
def test_an_admin_date_filter_out_of_range_is_a_400_in_a_packages_admin_too(staff_client, query):
    response = staff_client.get(f"/admin/axes/accesslog/?{query}")
    assert response.status_code == 400
    assert "We could not understand that request" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/otp_totp/totpdevice/?created_at__gte=0001-01-01&created_at__lt=0001-01-02",
        "/admin/otp_static/staticdevice/?last_used_at__gte=9999-12-31",
        "/admin/axes/accessattempt/?attempt_time__gte=1899-12-31",
    ],
)
def test_the_second_factor_and_sign_in_lists_refuse_them_too(staff_client, url):
    assert staff_client.get(url).status_code == 400


def test_an_admin_date_filter_in_range_still_works(staff_client):
    response = staff_client.get(
        "/admin/axes/accesslog/",
        {
            "attempt_time__gte": "2026-01-01 00:00:00+00:00",
            "attempt_time__lt": "2026-01-02 00:00:00+00:00",
        },
    )
    assert response.status_code == 200
    assert "0 access logs" in response.text


@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_a_second_factor_device_that_does_not_exist_is_a_404_in_the_admin(staff_client, page):
    response = staff_client.get(f"/admin/otp_totp/totpdevice/999999/{page}/")
    assert response.status_code == 404


def test_an_existing_devices_secret_is_never_shown_in_the_admin(staff_client, staff):
    # OTP_ADMIN_HIDE_SENSITIVE_DATA: the key and its QR code stay hidden, a
    # refusal rather than a server error.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = staff_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert response.status_code == 403
    assert f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/" not in response.text
    qrcode = staff_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qrcode.status_code == 403
    assert b"<svg" not in qrcode.content


def test_a_lone_surrogate_posted_to_an_admin_form_is_shown_as_a_replacement_character(
    staff_client,
):
    from tests.lone_surrogate import CONTENT_TYPE, SHOWN_AGAIN, TEXT, multipart

    response = staff_client.post(
        "/admin/otp_totp/totpdevice/add/",
        data=multipart({"user": TEXT, "name": "", "key": "", "step": "30"}),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 200
    assert SHOWN_AGAIN in response.text
    assert "Please correct the errors below." in response.text


def test_a_lone_surrogate_in_an_admin_text_field_is_saved_as_the_browser_would_send_it(
    staff_client,
):
    from mats.models import SafetySection
    from tests.lone_surrogate import CONTENT_TYPE, SHOWN_AGAIN, TEXT, multipart

    response = staff_client.post(
        "/admin/mats/safetysection/add/",
        data=multipart({"title": TEXT, "code": "surrogate", "body": "Body.", "order": "1"}),
        content_type=CONTENT_TYPE,
    )
    assert response.status_code == 302
    assert SafetySection.objects.get(code="surrogate").title == SHOWN_AGAIN
