"""The patient's page: what needs attention, visits, plans, the safety
questions answered over time, the account and its invitations."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import AuditEvent, Invitation, Patient
from clinic.notifications.models import OutgoingEmail, Status
from clinic.plans.models import ScreeningConfirmation
from clinic.plans.services import end_plan_early
from tests.factories import make_plan, screen
from tests.mail import mail_server_down


def test_shows_account_state(alice_client, pat):
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "Pat Patient has set a password and can sign in." in html
    assert "Send a new invitation" not in html


def test_pending_patient_shows_when_the_link_runs_out(alice_client, clinic_a, alice):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    invitation, _ = Invitation.issue(patient)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=9),
        expires_at=invitation.expires_at - timedelta(days=9),
    )
    html = alice_client.get(reverse("patient-detail", args=[patient.pk])).text
    assert "The link ran out on" in html
    assert "Send a new invitation" in html


def test_resending_issues_a_fresh_link(
    alice_client, clinic_a, alice, django_capture_on_commit_callbacks
):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("patient-invite", args=[patient.pk]), follow=True)
    assert "A new invitation is on its way to n@x.example." in response.text
    assert len(mail.outbox) == 1
    assert patient.invitations.count() == 1


# A real commit, as in production: the page is answered before any mail server is tried.
@pytest.mark.django_db(transaction=True)
def test_resending_with_the_mail_server_down_says_it_is_on_its_way(
    alice_client, clinic_a, alice, caplog
):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    with mail_server_down():
        response = alice_client.post(reverse("patient-invite", args=[patient.pk]), follow=True)
    assert response.redirect_chain == [(reverse("patient-detail", args=[patient.pk]), 302)]
    assert "A new invitation is on its way to n@x.example." in response.text
    assert "could not be sent" not in response.text
    assert patient.invitations.count() == 1
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert "n@x.example" not in caplog.text + email.last_error
    assert mail.outbox == []


def test_no_invitation_for_a_patient_who_has_an_account(alice_client, pat):
    response = alice_client.post(reverse("patient-invite", args=[pat.pk]), follow=True)
    assert "already has an account" in response.text
    assert mail.outbox == []


def test_other_clinics_patient_is_404(bob_client, pat):
    assert bob_client.get(reverse("patient-detail", args=[pat.pk])).status_code == 404
    assert bob_client.post(reverse("patient-invite", args=[pat.pk])).status_code == 404
    assert mail.outbox == []


# --- Confirming an answer the patient took back ------------------------------------


def _taken_back(patient):
    screen(patient, yes=["open-wounds"], source="patient", recorded_by=patient.user)
    return screen(patient, source="patient", recorded_by=patient.user)


def _confirm_url(patient, screening) -> str:
    return reverse("screening-confirm", args=[patient.pk, screening.pk])


def test_the_page_shows_the_change_and_a_form_to_confirm_it(alice_client, pat, safety):
    taken_back = _taken_back(pat)
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "changed from yes to no and waits for your confirmation" in html
    form = html[html.index(f'action="{_confirm_url(pat, taken_back)}"') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]
    assert "Waits for your confirmation." in html
    assert "Nothing of concern." not in html


def test_an_answer_taken_back_and_then_answered_again_is_superseded(alice_client, pat, safety):
    _taken_back(pat)
    _taken_back(pat)
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert html.count("Waits for your confirmation.") == 1
    assert "Not confirmed; later answers took their place." in html


def test_confirming_needs_the_forms_csrf_token(alice, pat, safety):
    taken_back = _taken_back(pat)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice.user)
    assert browser.post(_confirm_url(pat, taken_back)).status_code == 403
    assert not ScreeningConfirmation.objects.exists()


def test_confirming_twice_records_one_confirmation(alice_client, alice, pat, safety):
    taken_back = _taken_back(pat)
    first = alice_client.post(_confirm_url(pat, taken_back), follow=True)
    assert "The change is confirmed." in first.text
    second = alice_client.post(_confirm_url(pat, taken_back), follow=True)
    assert "There is no changed answer waiting for your confirmation." in second.text
    assert ScreeningConfirmation.objects.get().confirmed_by == alice.user
    assert AuditEvent.objects.filter(object_type="plans.screeningconfirmation").count() == 1


def test_confirming_another_clinics_patient_is_404(bob_client, pat, safety):
    taken_back = _taken_back(pat)
    assert bob_client.post(_confirm_url(pat, taken_back)).status_code == 404
    assert not ScreeningConfirmation.objects.exists()


def test_another_patients_screening_under_this_patient_is_404(
    alice_client, pat, safety, clinic_a, alice
):
    other = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Olga Other", email="o@x.example"
    )
    taken_back = _taken_back(other)
    assert alice_client.post(_confirm_url(pat, taken_back)).status_code == 404
    assert not ScreeningConfirmation.objects.exists()


def test_a_patient_cannot_confirm_their_own_change(pat_client, pat, safety):
    taken_back = _taken_back(pat)
    assert pat_client.post(_confirm_url(pat, taken_back)).status_code == 403
    assert not ScreeningConfirmation.objects.exists()


def test_confirming_is_a_post_only(alice_client, pat, safety):
    taken_back = _taken_back(pat)
    assert alice_client.get(_confirm_url(pat, taken_back)).status_code == 405
    assert not ScreeningConfirmation.objects.exists()


def test_a_plan_ended_before_its_first_day_says_so(alice_client, screened_pat, routine):
    later = make_plan(screened_pat, routine, start=patient_today(screened_pat) + timedelta(days=3))
    html = alice_client.get(reverse("patient-detail", args=[screened_pat.pk])).text
    assert "before its first day" not in html
    end_plan_early(later)
    html = alice_client.get(reverse("patient-detail", args=[screened_pat.pk])).text
    assert "before its first day" in html
