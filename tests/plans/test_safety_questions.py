"""safety_questions (clinic/plans/screening_views.py): the patient answers the
safety questions on their first visit (and again when a question is added);
what their answers mean for their plan."""

import re

from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from clinic.plans.models import PlanStatus, Screening
from mats.models import Contraindication, Severity
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen

URL = reverse("safety-questions")
HOME = reverse("patient-home")


def answers(**overrides) -> dict:
    data = {"version": "1", "answer_pregnancy": "no", "answer_open-wounds": "no"}
    return {**data, **{f"answer_{code.replace('_', '-')}": v for code, v in overrides.items()}}


def test_first_visit_goes_guidance_then_questions_then_today(pat_client, pat, safety, routine):
    make_plan(pat, routine)
    assert pat_client.get(HOME)["Location"] == reverse("safety-acknowledge")
    pat_client.post(reverse("safety-acknowledge"), {"version": safety.number})
    assert pat_client.get(HOME)["Location"] == URL
    response = pat_client.post(URL, answers(), follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    assert "Thank you. Your plan is ready." in response.text
    assert pat.plans.get().status == PlanStatus.ACTIVE
    screening = pat.screenings.get()
    assert (screening.source, screening.recorded_by) == (Screening.Source.PATIENT, pat.user)
    assert AuditEvent.objects.filter(object_type="plans.screening", action="create").exists()


def test_each_current_question_is_asked_with_yes_and_no(pat_client, pat, safety):
    acknowledge_safety_version(pat, safety)
    html = pat_client.get(URL).text
    assert "Are you pregnant, or could you be?" in html
    assert "Do you have an open wound where you would lie?" in html
    assert html.count('type="radio"') == 4


def test_every_question_needs_an_answer(pat_client, pat, safety):
    acknowledge_safety_version(pat, safety)
    response = pat_client.post(URL, {"version": "1", "answer_pregnancy": "no"})
    assert response.status_code == 200
    assert "Choose yes or no." in response.text
    assert not pat.screenings.exists()


def test_an_answer_other_than_yes_or_no_is_refused(pat_client, pat, safety):
    acknowledge_safety_version(pat, safety)
    response = pat_client.post(URL, answers(pregnancy="maybe\x00"))
    assert response.status_code == 200
    assert not pat.screenings.exists()


def test_an_absolute_yes_holds_the_plan_and_flags_the_patient(
    pat_client, alice_client, pat, safety, routine
):
    acknowledge_safety_version(pat, safety)
    plan = make_plan(pat, routine)
    response = pat_client.post(URL, answers(open_wounds="yes"), follow=True)
    assert "Please do not use it, and speak to your practitioner." in response.text
    assert "Please speak to your practitioner first" in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    listing = alice_client.get(reverse("patient-list")).text
    assert "Needs attention: safety answer" in listing
    detail = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "rules the mat out" in detail
    assert "Do you have an open wound where you would lie?" in detail


def test_a_relative_yes_waits_for_the_practitioners_clearance(pat_client, pat, safety, routine):
    acknowledge_safety_version(pat, safety)
    make_plan(pat, routine)
    response = pat_client.post(URL, answers(pregnancy="yes"), follow=True)
    assert "Your practitioner will look at your answers" in response.text
    assert "Waiting for your practitioner" in response.text
    assert pat.plans.get().status == PlanStatus.WAITING


def test_an_active_plan_is_held_by_a_new_absolute_yes(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    pat_client.post(URL, answers(open_wounds="yes"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED


def test_a_question_added_later_is_asked_again(pat_client, screened_pat, safety, staff):
    acknowledge_safety_version(screened_pat, safety)
    assert pat_client.get(HOME).status_code == 200
    Contraindication.objects.create(
        code="neuropathy",
        name="Reduced feeling",
        screening_question="Do you have numb patches of skin?",
        practitioner_explanation="Cannot feel pressure.",
        severity=Severity.RELATIVE,
        order=3,
    )
    version = publish_safety_version(change_note="Added a question.", published_by=staff)
    acknowledge_safety_version(screened_pat, version)
    assert pat_client.get(HOME)["Location"] == URL
    assert "You last answered on" in pat_client.get(URL).text


def test_answers_to_questions_that_changed_meanwhile_are_asked_again(pat_client, pat, safety):
    acknowledge_safety_version(pat, safety)
    response = pat_client.post(URL, {**answers(), "version": "7"}, follow=True)
    assert "The questions changed while you were answering." in response.text
    assert not pat.screenings.exists()


def test_unread_guidance_comes_before_the_questions(pat_client, pat, safety):
    assert pat_client.get(URL)["Location"] == reverse("safety-acknowledge")


def test_with_no_questions_published_there_is_nothing_to_answer(pat_client, pat):
    assert pat_client.get(URL)["Location"] == HOME


def test_a_patient_answers_only_for_themselves(pat_client, pat, quinn, safety):
    acknowledge_safety_version(pat, safety)
    pat_client.post(URL, answers())
    assert pat.screenings.count() == 1
    assert not quinn.screenings.exists()
    screen(quinn)
    assert quinn.screenings.count() == 1


# --- Taking back an answer that rules the mat out ------------------------------------


def submit_form(client, page: str, action: str):
    """Post the form on ``page`` whose action is ``action`` the way a browser
    does: with the hidden fields it carries, its CSRF token among them."""
    html = client.get(page).text
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None, f"no form posting to {action} on {page}"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(1)))
    assert "csrfmiddlewaretoken" in fields
    return client.post(action, fields)


def test_an_absolute_yes_taken_back_waits_for_the_practitioners_confirmation(
    pat_client, alice, pat, safety, routine
):
    acknowledge_safety_version(pat, safety)
    plan = make_plan(pat, routine)
    pat_client.post(URL, answers(open_wounds="yes"))
    said_yes = pat.screenings.get()
    # "Answered by mistake? Answer the questions again."
    response = pat_client.post(URL, answers(), follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    assert plan.sessions.count() == 0
    assert "Your plan is ready" not in response.text
    assert "your practitioner will check the change with you" in response.text.lower()
    assert "Please do not use the mat until then." in response.text
    whole_plan = pat_client.get(reverse("patient-plan")).text
    assert "Your plan waits for your practitioner." in whole_plan
    assert "It starts once you have answered a few safety questions" not in whole_plan

    practitioner = Client(enforce_csrf_checks=True)
    practitioner.force_login(alice.user)
    detail = reverse("patient-detail", args=[pat.pk])
    html = practitioner.get(detail).text
    assert "Nothing of concern." not in html
    assert "changed from yes to no and waits for your confirmation" in html
    # The history: both screenings, when and by whom, and the earlier yes.
    history = html[html.index('id="screening-history"') :]
    assert history.count("The patient, online") == 2
    assert f"{said_yes.taken_at:%-d %B %Y}" in history
    assert "Do you have an open wound where you would lie?" in history
    listing = practitioner.get(reverse("patient-list")).text
    assert "Needs attention: changed safety answer waits for your confirmation" in listing

    taken_back = pat.screenings.first()
    action = reverse("screening-confirm", args=[pat.pk, taken_back.pk])
    response = submit_form(practitioner, detail, action)
    assert response.status_code == 302
    assert response["Location"] == detail
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.sessions.exists()
    confirmation = taken_back.confirmation
    assert confirmation.confirmed_by == alice.user
    event = AuditEvent.objects.get(object_type="plans.screeningconfirmation")
    assert (event.action, event.object_id, event.actor) == ("create", confirmation.pk, alice.user)
    html = practitioner.get(detail).text
    assert "waits for your confirmation" not in html
    assert "Confirmed by Alice Practitioner" in html
    assert "Thank you" not in pat_client.get(HOME).text
    assert "Today's session" in pat_client.get(HOME).text


def test_an_active_plan_held_by_an_absolute_yes_stays_held_when_it_is_taken_back(
    pat_client, alice_client, screened_pat, safety, routine
):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    pat_client.post(URL, answers(open_wounds="yes"))
    pat_client.post(URL, answers())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    # Resuming from the plan's page is no way round the confirmation.
    response = alice_client.post(
        reverse("plan-resume", args=[screened_pat.pk, plan.pk]), follow=True
    )
    assert "confirm" in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert "Please speak to your practitioner first" not in pat_client.get(HOME).text
    assert "will check the change with you" in pat_client.get(HOME).text
