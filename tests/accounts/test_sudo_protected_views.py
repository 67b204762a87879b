"""Which views ask for the sudo moment first (accounts.sudo): changing a
password, the patient's own downloads and the practitioner's export of a
patient's sessions. Each asks before it shows or does anything, and then
lets the person through for the window."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import audit_mark, audit_since

CONFIRM = reverse("confirm-identity")


def _confirm_url(next_url: str) -> str:
    return f"{CONFIRM}?next={quote(next_url, safe='')}"


def _confirm(client, next_url):
    response = client.post(CONFIRM, {"next": next_url, "way": "password", "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("name", ["own-data-json", "own-data-csv"])
def test_the_patients_downloads_ask_first_and_export_nothing(pat_client, pat, name):
    url = reverse(name)
    mark = audit_mark()
    response = pat_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _confirm_url(url)
    assert "Content-Disposition" not in response
    assert not audit_since(mark).filter(action=AuditEvent.Action.EXPORT).exists()

    assert _confirm(pat_client, url) == url
    response = pat_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert audit_since(mark).filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_the_practitioners_export_asks_first(alice_client, alice, pat):
    url = reverse("patient-export", args=[pat.pk])
    response = alice_client.get(url)
    assert response["Location"] == _confirm_url(url)
    assert _confirm(alice_client, url) == url
    response = alice_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_another_clinics_export_is_404_before_any_question(bob_client, pat):
    assert bob_client.get(reverse("patient-export", args=[pat.pk])).status_code == 404


@pytest.mark.parametrize("name", ["own-data-json", "own-data-csv"])
def test_the_wrong_role_is_403_before_any_question(alice_client, name):
    assert alice_client.get(reverse(name)).status_code == 403


def test_the_password_page_asks_before_showing_the_form(pat_client, pat):
    url = reverse("password_change")
    response = pat_client.get(url)
    assert response["Location"] == _confirm_url(url)
    assert _confirm(pat_client, url) == url
    assert "Old password" in pat_client.get(url).text


def test_a_password_change_posted_without_confirming_changes_nothing_and_comes_back(
    pat_client, pat
):
    url = reverse("password_change")
    data = {
        "old_password": PASSWORD,
        "new_password1": "a-new-mat-pass-phrase",
        "new_password2": "a-new-mat-pass-phrase",
    }
    response = pat_client.post(url, data, headers={"referer": f"http://testserver{url}"})
    # Back to the form's page (its GET) once confirmed, with word that nothing changed.
    assert response["Location"] == _confirm_url(url)
    page = pat_client.get(response["Location"]).text
    assert "Nothing was changed yet. Confirm it is you, then do it again." in page
    pat.user.refresh_from_db()
    assert pat.user.check_password(PASSWORD)

    assert _confirm(pat_client, url) == url
    response = pat_client.post(url, data)
    assert response["Location"] == reverse("password_change_done")
    pat.user.refresh_from_db()
    assert pat.user.check_password("a-new-mat-pass-phrase")


def test_a_post_from_another_site_comes_back_to_the_page_itself(pat_client, pat):
    url = reverse("password_change")
    response = pat_client.post(url, {}, headers={"referer": "https://evil.example/form"})
    assert response["Location"] == _confirm_url(url)


def test_a_post_comes_back_to_the_page_the_form_was_on(pat_client, pat):
    # A button on one page that posts to another (as "turn off" buttons do).
    url = reverse("password_change")
    settings_page = reverse("patient-settings")
    response = pat_client.post(url, {}, headers={"referer": f"http://testserver{settings_page}"})
    assert response["Location"] == _confirm_url(settings_page)


def test_a_wrong_password_at_the_confirm_page_leaves_the_download_closed(pat_client, pat):
    url = reverse("own-data-json")
    response = pat_client.post(CONFIRM, {"next": url, "way": "password", "password": "nope"})
    assert response.status_code == 200
    assert "That is not your password." in response.text
    assert pat_client.get(url)["Location"] == _confirm_url(url)
