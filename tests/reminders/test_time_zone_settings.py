"""The patient chooses the time zone their days follow (the Settings page,
clinic/reminders/views.py: patient_settings; the zone itself is
clinic.usage.services.set_time_zone)."""

from django.urls import reverse

URL = reverse("patient-settings")


def test_the_page_says_which_zone_the_day_follows(pat_client):
    html = pat_client.get(URL).text
    assert "Your day follows Europe/London" in html
    assert "The clinic&#x27;s (Europe/London)" in html


def test_choosing_a_zone_saves_it(pat_client, pat):
    response = pat_client.post(URL, {"time_zone": "America/New_York"})
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.time_zone == "America/New_York"
    assert "Your day follows America/New_York" in pat_client.get(URL).text


def test_blank_goes_back_to_the_clinics_zone(pat_client, pat):
    pat.time_zone = "Asia/Tokyo"
    pat.save()
    pat_client.post(URL, {"time_zone": ""})
    pat.refresh_from_db()
    assert pat.time_zone == ""


def test_an_unknown_zone_is_refused_kindly(pat_client, pat):
    response = pat_client.post(URL, {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.text
    pat.refresh_from_db()
    assert pat.time_zone == ""


def test_text_the_database_cannot_store_is_refused_kindly(pat_client, pat):
    response = pat_client.post(URL, {"time_zone": "Europe/London\x00"})
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.text


def test_changing_the_zone_is_audited(pat_client, pat):
    from accounts.models import AuditEvent

    pat_client.post(URL, {"time_zone": "Europe/Paris"})
    assert AuditEvent.objects.filter(action="update", object_id=pat.pk).exists()


def test_password_change_is_reached_from_settings(pat_client):
    html = pat_client.get(reverse("patient-settings")).text
    assert f'href="{reverse("password_change")}"' in html
