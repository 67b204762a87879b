"""Patients read and acknowledge the current safety version before today's session."""

import pytest
from django.urls import reverse

from accounts.audit import SYSTEM
from accounts.errors import sentence
from accounts.models import AuditEvent
from mats.models import SafetyAcknowledgement, StopRule
from mats.services import (
    SafetyRefused,
    acknowledge_current_version,
    acknowledge_safety_version,
    needs_acknowledgement,
    publish_safety_version,
)
from tests.mats.factories import make_safety_content

ACK_URL = reverse("safety-acknowledge")
HOME_URL = reverse("patient-home")


@pytest.fixture
def version_one(staff):
    content = make_safety_content()
    version = publish_safety_version(change_note="First guidance.", published_by=staff)
    return version, content


def test_nothing_published_asks_nothing(pat, pat_client):
    assert not needs_acknowledgement(pat)
    assert pat_client.get(HOME_URL).status_code == 200
    assert pat_client.get(ACK_URL)["Location"] == HOME_URL


def test_home_sends_patient_to_read_the_current_version(pat, pat_client, version_one):
    assert needs_acknowledgement(pat)
    response = pat_client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"] == ACK_URL


def test_acknowledgement_page_shows_the_published_content(pat_client, version_one):
    html = pat_client.get(ACK_URL).content.decode()
    assert "Please read this before your first session" in html
    assert "Version 1" in html
    assert "Are you pregnant, or could you be?" in html
    assert "Feeling dizzy" in html
    assert "Your plan pauses until your practitioner has been in touch." in html
    assert "The mat goes <strong>with</strong> needling." in html
    # Practitioners' notes are not for the patient's page.
    assert "Positions need adapting." not in html
    assert 'name="version" value="1"' in html


def test_acknowledging_records_it_and_opens_the_home_page(pat, pat_client, version_one):
    version, _ = version_one
    response = pat_client.post(ACK_URL, {"version": "1"})
    assert response.status_code == 302
    assert response["Location"] == HOME_URL
    assert SafetyAcknowledgement.objects.filter(patient=pat, version=version).exists()
    assert not needs_acknowledgement(pat)
    # Next, a patient who never answered the safety questions is asked them.
    assert pat_client.get(HOME_URL)["Location"] == reverse("safety-questions")


def test_reading_the_guidance_is_recorded_by_ids_only(pat, pat_client, version_one):
    pat_client.get(ACK_URL)
    event = AuditEvent.objects.get()
    assert (event.actor, event.clinic_id, event.action) == (pat.user, pat.clinic_id, "view")
    assert (event.object_type, event.object_id) == ("accounts.patient", pat.pk)
    recorded = " ".join(str(value) for value in event.__dict__.values())
    assert pat.full_name not in recorded
    assert pat.email not in recorded


def test_acknowledging_is_recorded_once(pat, pat_client, version_one):
    pat_client.post(ACK_URL, {"version": "1"})
    pat_client.post(ACK_URL, {"version": "1"})
    acknowledgement = SafetyAcknowledgement.objects.get()
    trail = AuditEvent.objects.values_list("actor", "clinic", "action", "object_type", "object_id")
    assert list(trail) == [
        (pat.user.pk, pat.clinic_id, "create", "mats.safetyacknowledgement", acknowledgement.pk)
    ]


def test_nothing_to_read_or_a_refused_confirmation_records_nothing(pat, pat_client, staff):
    pat_client.get(ACK_URL)  # nothing published yet
    make_safety_content()
    publish_safety_version(change_note="First guidance.", published_by=staff)
    assert pat_client.post(ACK_URL, {"version": "x"}).status_code == 400
    assert pat_client.post(ACK_URL, {"version": "7"})["Location"] == ACK_URL
    assert not AuditEvent.objects.exists()
    assert not SafetyAcknowledgement.objects.exists()


def test_acknowledging_twice_keeps_one_record(pat, pat_client, version_one):
    pat_client.post(ACK_URL, {"version": "1"})
    pat_client.post(ACK_URL, {"version": "1"})
    assert SafetyAcknowledgement.objects.filter(patient=pat).count() == 1


def test_a_version_published_while_reading_is_not_acknowledged_by_mistake(
    pat, pat_client, version_one, staff
):
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    publish_safety_version(change_note="Added rashes.", published_by=staff)
    response = pat_client.post(ACK_URL, {"version": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == ACK_URL
    assert "updated while you were reading" in response.content.decode()
    assert not SafetyAcknowledgement.objects.filter(patient=pat).exists()


def test_new_version_asks_again_and_shows_what_changed(pat, pat_client, version_one, staff):
    version, content = version_one
    acknowledge_safety_version(pat, version)
    content["dizziness"].what_to_do = "Sit or lie still, then rise slowly."
    content["dizziness"].save()
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    publish_safety_version(change_note="Clearer advice on dizziness.", published_by=staff)

    assert needs_acknowledgement(pat)
    assert pat_client.get(HOME_URL)["Location"] == ACK_URL
    html = pat_client.get(ACK_URL).content.decode()
    assert "The safety guidance has changed" in html
    assert "What changed since you last read it" in html
    assert "Version 2:</strong> Clearer advice on dizziness." in html
    assert "New sign to stop: A lasting rash" in html
    assert "Updated sign to stop: Feeling dizzy (what to do)" in html

    pat_client.post(ACK_URL, {"version": "2"})
    assert not needs_acknowledgement(pat)


def test_what_changed_covers_every_version_since_the_last_one_read(
    pat, pat_client, version_one, staff
):
    version, content = version_one
    acknowledge_safety_version(pat, version)
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    publish_safety_version(change_note="Added rashes.", published_by=staff)
    content["open-wounds"].delete()
    publish_safety_version(change_note="Removed open wounds.", published_by=staff)
    html = pat_client.get(ACK_URL).content.decode()
    assert "Version 2:</strong> Added rashes." in html
    assert "Version 3:</strong> Removed open wounds." in html
    assert "No longer on the list of reasons to check first: Open wounds" in html


def test_page_says_thanks_once_read(pat, pat_client, version_one):
    acknowledge_safety_version(pat, version_one[0])
    html = pat_client.get(ACK_URL).content.decode()
    assert "You confirmed you read this version." in html
    assert "I have read this" not in html


@pytest.mark.parametrize("data", [{}, {"version": "zero"}, {"version": "0"}])
def test_malformed_acknowledgement_is_a_bad_request(pat, pat_client, version_one, data):
    assert pat_client.post(ACK_URL, data).status_code == 400
    assert not SafetyAcknowledgement.objects.filter(patient=pat).exists()


def test_only_patients_acknowledge(alice_client, staff_client, version_one):
    assert alice_client.get(ACK_URL).status_code == 403
    assert alice_client.post(ACK_URL, {"version": "1"}).status_code == 403
    assert staff_client.post(ACK_URL, {"version": "1"}).status_code == 403
    assert not SafetyAcknowledgement.objects.exists()


# --- The services behind the page ---------------------------------------------------


def test_acknowledging_the_current_version_records_it_once_by_whoever_acted(pat, version_one):
    version, _ = version_one
    first = acknowledge_current_version(pat, 1)
    again = acknowledge_current_version(pat, 1)
    assert first == again
    assert first.version == version
    trail = AuditEvent.objects.values_list("actor", "clinic", "action", "object_type")
    assert list(trail) == [(SYSTEM.user, pat.clinic_id, "create", "mats.safetyacknowledgement")]


def test_acknowledging_a_version_that_is_no_longer_current_is_refused(pat, version_one, staff):
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    publish_safety_version(change_note="Added rashes.", published_by=staff)
    with pytest.raises(SafetyRefused) as refused:
        acknowledge_current_version(pat, 1)
    assert refused.value.code == "safety.updated_while_reading"
    assert "updated while you were reading" in sentence(refused.value)
    assert not SafetyAcknowledgement.objects.exists()
    assert not AuditEvent.objects.exists()


def test_nothing_published_cannot_be_acknowledged(pat):
    with pytest.raises(SafetyRefused) as refused:
        acknowledge_current_version(pat, 1)
    assert refused.value.code == "safety.updated_while_reading"
