"""plan_detail and the plan's actions (clinic/plans/views.py, its page in
pages.py): the schedule as prescribed, and pausing, resuming, extending,
ending and clearing it."""

import re
from datetime import timedelta

from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import AuditEvent
from clinic.plans.models import Plan, PlanStatus
from clinic.plans.services import pause_plan
from mats.models import Contraindication
from mats.services import publish_safety_version
from tests.factories import make_plan, screen


def url(plan, name="plan-detail") -> str:
    return reverse(name, args=[plan.patient_id, plan.pk])


def test_shows_the_stages_and_every_day(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=14)
    html = alice_client.get(url(plan)).text
    assert "Mat plan: Gentle" in html
    assert "Stages as prescribed" in html
    assert "6 sessions, " in html
    assert html.count("Rest day") == 8
    assert AuditEvent.objects.filter(action="view", object_id=plan.pk).exists()


def test_a_waiting_plan_shows_the_schedule_it_will_follow(alice_client, pat, safety, routine):
    plan = make_plan(pat, routine, days=7)
    html = alice_client.get(url(plan)).text
    assert "Schedule it will follow" in html
    assert "The plan starts once Pat Patient answers the safety questions" in html


def test_pausing_and_resuming(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=14)
    response = alice_client.post(url(plan, "plan-pause"), {"reason": "Bruising"}, follow=True)
    assert "The plan is paused from today." in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.pause_reason) == (PlanStatus.PAUSED, "Bruising")
    assert "No session: the plan was on hold" in response.text
    response = alice_client.post(url(plan, "plan-resume"), follow=True)
    assert "The plan carries on from today." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert AuditEvent.objects.filter(action="update", object_id=plan.pk).count() == 2


def test_resuming_an_active_plan_is_refused_kindly(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    response = alice_client.post(url(plan, "plan-resume"), follow=True)
    assert "Only a paused plan can be resumed." in response.text


def test_pausing_a_paused_plan_is_refused_kindly(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    pause_plan(plan, reason="Bruising")
    response = alice_client.post(url(plan, "plan-pause"), {"reason": "Again"}, follow=True)
    assert "Only an active plan can be paused." in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.pause_reason) == (PlanStatus.PAUSED, "Bruising")


def test_a_pause_reason_that_is_too_long_is_a_field_error(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    response = alice_client.post(url(plan, "plan-pause"), {"reason": "x" * 201})
    assert response.status_code == 200
    assert "200 characters" in response.text  # the limit, next to the field
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_ending_early(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=patient_today(screened_pat) + timedelta(days=2))
    response = alice_client.post(url(plan, "plan-end"), {"reason": "Moved away"}, follow=True)
    assert "The plan has ended." in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.ended_reason) == (PlanStatus.ENDED, "Moved away")
    assert plan.never_started
    assert "This plan ended before its first day" in response.text
    assert "Change this plan" not in response.text


def test_an_ended_plan_cannot_be_ended_again_or_extended(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=7)
    alice_client.post(url(plan, "plan-end"), {"reason": "Moved away"})
    response = alice_client.post(url(plan, "plan-end"), {"reason": "Twice"}, follow=True)
    assert "This plan has already ended." in response.text
    new_end = plan.end_date + timedelta(days=7)
    response = alice_client.post(
        url(plan, "plan-extend"), {"new_end": new_end.isoformat()}, follow=True
    )
    assert "An ended plan cannot be extended. Assign a new plan instead." in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.ended_reason) == (PlanStatus.ENDED, "Moved away")
    assert plan.end_date == new_end - timedelta(days=7)


def test_extending_to_a_new_last_day(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=7)
    new_end = plan.end_date + timedelta(days=7)
    response = alice_client.post(url(plan, "plan-extend"), {"new_end": new_end.isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == new_end
    assert plan.sessions.count() == 6


def test_extending_to_an_earlier_day_is_a_field_error(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=7)
    response = alice_client.post(url(plan, "plan-extend"), {"new_end": plan.start_date.isoformat()})
    assert response.status_code == 200
    assert "Choose a day after the current last day" in response.text
    plan.refresh_from_db()
    assert plan.length_in_days == 7


def test_extending_with_no_date_is_a_field_error(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine, days=7)
    response = alice_client.post(url(plan, "plan-extend"), {})
    assert "New last day: Enter a date." in response.text


def test_clearing_a_waiting_plan_starts_it(alice_client, alice, pat, safety, routine):
    plan = make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    html = alice_client.get(url(plan)).text
    assert "Record clearance and start the plan" in html
    response = alice_client.post(url(plan, "plan-clear"), {"clearance-pregnancy": ""})
    assert "Give your reason for clearing this" in response.text
    assert Plan.objects.get().status == PlanStatus.WAITING
    response = alice_client.post(
        url(plan, "plan-clear"), {"clearance-pregnancy": "Sitting only."}, follow=True
    )
    assert "Your clearance is recorded and the plan is active." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.clearances.get().cleared_by == alice.user


def test_clearing_a_plan_that_is_not_waiting_changes_nothing(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    response = alice_client.post(
        url(plan, "plan-clear"), {"clearance-pregnancy": "Sitting only."}, follow=True
    )
    assert "This plan is not waiting for a clearance." in response.text
    assert not plan.clearances.exists()


def test_a_waiting_plan_blocked_by_new_answers_says_why(alice_client, pat, safety, routine):
    plan = make_plan(pat, routine)
    screen(pat, yes=["open-wounds"])
    html = alice_client.get(url(plan)).text
    assert "This plan cannot start." in html
    assert "Open wounds" in html


def test_another_clinics_plan_is_404(bob_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    assert bob_client.get(url(plan)).status_code == 404
    for action in ("plan-pause", "plan-end", "plan-extend", "plan-resume", "plan-clear"):
        assert bob_client.post(url(plan, action)).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_a_plan_under_another_patients_address_is_404(
    alice_client, screened_pat, routine, clinic_a, alice
):
    plan = make_plan(screened_pat, routine)
    other = screened_pat.__class__.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Other", email="o@x.example"
    )
    assert alice_client.get(reverse("plan-detail", args=[other.pk, plan.pk])).status_code == 404
    response = alice_client.post(reverse("plan-end", args=[other.pk, plan.pk]))
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_paused_plan_shows_since_when(alice_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    pause_plan(plan, reason="Dizzy after sessions")
    html = alice_client.get(url(plan)).text
    assert "Dizzy after sessions" in html
    assert "Resume the plan" in html


def test_a_waiting_plan_can_start_once_nothing_stands_in_the_way(
    alice_client, pat, safety, routine, staff
):
    plan = make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    # The clinic drops the question; the old "yes" no longer counts.
    Contraindication.objects.filter(code="pregnancy").delete()
    publish_safety_version(change_note="Pregnancy is now handled in clinic.", published_by=staff)
    assert "Start the plan" in alice_client.get(url(plan)).text
    response = alice_client.post(url(plan, "plan-clear"), follow=True)
    # Nothing was cleared, so the message does not say a clearance was recorded.
    assert "Nothing stands in its way any more: the plan is active." in response.text
    assert "Your clearance is recorded" not in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert not plan.clearances.exists()


def test_the_plan_pages_forms_leave_checking_to_the_server(alice_client, pat, safety, routine):
    """The browser's own checks would show its wording, not the page's kind messages."""
    plan = make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    html = alice_client.get(url(plan)).text
    forms = re.findall(r"<form[^>]*>", html)
    posts = [tag for tag in forms if 'method="post"' in tag and "sign-out" not in tag]
    # Clearance, extend and end (a waiting plan cannot be paused).
    assert len(posts) == 3
    assert all("novalidate" in tag for tag in posts), posts


def test_starting_a_plan_still_waiting_for_answers_says_so(alice_client, pat, safety, routine):
    plan = make_plan(pat, routine)
    response = alice_client.post(url(plan, "plan-clear"), follow=True)
    assert "The plan still waits for the patient&#x27;s answers." in response.text
    assert "clearance is recorded" not in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING


def test_a_plan_held_by_an_answer_that_rules_the_mat_out_cannot_resume(
    alice_client, screened_pat, routine
):
    plan = make_plan(screened_pat, routine)
    screen(screened_pat, yes=["open-wounds"], source="patient")
    html = alice_client.get(url(plan)).text
    assert "latest answers rule the mat out, so the plan cannot carry on." in html
    assert "Resume the plan" not in html
    response = alice_client.post(url(plan, "plan-resume"), follow=True)
    assert (
        "The latest safety answers rule the mat out, so the plan cannot carry on. "
        "If things have changed, record new answers in clinic first."
    ) in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED


def test_a_plan_held_for_a_changed_answer_waits_for_the_confirmation(
    alice_client, screened_pat, routine
):
    plan = make_plan(screened_pat, routine)
    screen(screened_pat, yes=["open-wounds"], source="patient")
    screen(screened_pat, source="patient")
    html = alice_client.get(url(plan)).text
    assert "Confirm the change on their page</a> before the plan carries on." in html
    assert "Resume the plan" not in html
    response = alice_client.post(url(plan, "plan-resume"), follow=True)
    assert "confirm the change on their page first." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED


def test_an_active_plan_past_its_last_day_says_the_next_is_due(alice_client, screened_pat, routine):
    today = patient_today(screened_pat)
    plan = make_plan(
        screened_pat,
        routine,
        start=today - timedelta(days=7),
        today=today - timedelta(days=7),
        days=7,
    )
    assert "its last day has passed; assign the next plan after the visit." in (
        alice_client.get(url(plan)).text
    )
    Plan.objects.filter(pk=plan.pk).update(end_date=today)
    assert "its last day has passed" not in alice_client.get(url(plan)).text


def test_a_clearance_is_recorded_in_the_trail_as_the_practitioners(
    alice_client, alice, pat, safety, routine
):
    plan = make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    alice_client.post(url(plan, "plan-clear"), {"clearance-pregnancy": "Sitting only."})
    clearance = plan.clearances.get()
    event = AuditEvent.objects.get(object_type="plans.clearance")
    assert (event.action, event.object_id, event.actor) == ("create", clearance.pk, alice.user)
    assert event.path == url(plan, "plan-clear")
