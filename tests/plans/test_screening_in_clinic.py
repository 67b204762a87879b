"""patient_screening (clinic/plans/screening_views.py): the practitioner
records the patient's answers to the safety questions in clinic."""

from django.urls import reverse

from accounts.models import AuditEvent
from clinic.plans.models import PlanStatus, Screening
from mats.models import Contraindication, Severity
from mats.services import publish_safety_version
from tests.factories import make_plan, screen


def url(patient) -> str:
    return reverse("patient-screening", args=[patient.pk])


def answers(version, **yes) -> dict:
    return {
        "version": version.number,
        "answer_pregnancy": "yes" if yes.get("pregnancy") else "no",
        "answer_open-wounds": "yes" if yes.get("wounds") else "no",
    }


def test_asks_every_current_question(alice_client, pat, safety):
    html = alice_client.get(url(pat)).text
    assert "Are you pregnant, or could you be?" in html
    assert "Do you have an open wound where you would lie?" in html


def test_records_the_answers_as_asked(alice_client, alice, pat, safety):
    response = alice_client.post(url(pat), answers(safety, pregnancy=True))
    assert response["Location"] == reverse("patient-detail", args=[pat.pk])
    screening = Screening.objects.get()
    assert (screening.source, screening.recorded_by, screening.safety_version_number) == (
        "clinic",
        alice.user,
        safety.number,
    )
    assert screening.answer_map() == {"pregnancy": True, "open-wounds": False}
    assert screening.answers.get(code="pregnancy").question == "Are you pregnant, or could you be?"
    assert AuditEvent.objects.filter(action="create", object_type="plans.screening").exists()
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "Answered yes to:" in html


def test_a_clean_screening_starts_the_waiting_plan(alice_client, pat, safety, routine):
    plan = make_plan(pat, routine)
    response = alice_client.post(url(pat), answers(safety), follow=True)
    assert "The plan that was waiting for them is now active." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.sessions.exists()


def test_a_yes_leaves_the_waiting_plan_waiting(alice_client, pat, safety, routine):
    plan = make_plan(pat, routine)
    alice_client.post(url(pat), answers(safety, wounds=True))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING


def test_every_question_needs_an_answer(alice_client, pat, safety):
    data = answers(safety)
    del data["answer_open-wounds"]
    response = alice_client.post(url(pat), data)
    assert "Choose yes or no." in response.text
    assert Screening.objects.count() == 0


def test_questions_changed_meanwhile_are_asked_again(alice_client, pat, safety, staff):
    data = answers(safety)
    Contraindication.objects.create(
        code="recent-surgery",
        name="Recent surgery",
        screening_question="Have you had an operation in the last six weeks?",
        practitioner_explanation="Wait for healing.",
        severity=Severity.ABSOLUTE,
    )
    publish_safety_version(change_note="Surgery.", published_by=staff)
    response = alice_client.post(url(pat), data, follow=True)
    assert "The safety questions changed while this page was open." in response.text
    assert "Have you had an operation in the last six weeks?" in response.text
    assert Screening.objects.count() == 0


def test_with_nothing_published_there_is_nothing_to_ask(alice_client, pat):
    html = alice_client.get(url(pat)).text
    assert "there are no questions to ask" in html
    alice_client.post(url(pat), {"version": "1"})
    assert Screening.objects.count() == 0


def test_another_clinics_patient_is_404(bob_client, pat, safety):
    assert bob_client.get(url(pat)).status_code == 404
    assert bob_client.post(url(pat), answers(safety)).status_code == 404
    assert Screening.objects.count() == 0


def test_a_no_recorded_in_clinic_after_the_patients_yes_needs_no_confirmation(
    alice_client, pat, safety, routine
):
    plan = make_plan(pat, routine)
    screen(pat, yes=["open-wounds"], source="patient", recorded_by=pat.user)
    response = alice_client.post(url(pat), answers(safety), follow=True)
    assert "The plan that was waiting for them is now active." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert "waits for your confirmation" not in response.text
    history = response.text[response.text.index('id="screening-history"') :]
    assert "In clinic by Alice Practitioner" in history
    assert "The patient, online" in history
    assert "Changed from yes to no" not in history
