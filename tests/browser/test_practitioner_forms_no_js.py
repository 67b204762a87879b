"""Every form a practitioner submits, on a laptop with JavaScript switched
off: each posts as plain HTML (its CSRF token included) and the page that
comes back says what happened. The ``no_js_page`` fixture also fails a test
if htmx managed to send anything."""

import re
from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.models import Plan, PlanStatus
from clinic.usage.models import Feedback, SideEffectReport
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from clinic.visits.models import Appointment
from mats.models import Contraindication
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.conftest import PASSWORD
from tests.factories import make_plan, screen
from tests.mats.factories import make_position, make_routine, make_safety_content

pytestmark = pytest.mark.browser


def _long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B} {day:%Y}"


@pytest.fixture
def safety(staff):
    """Published guidance: "pregnancy" needs a clearance, "open-wounds" rules the mat out."""
    make_safety_content()
    return publish_safety_version(change_note="First.", published_by=staff)


@pytest.fixture
def routine(db):
    """Two stages: week 1, then week 2 on; 5 to 10 minutes, 3 sessions a week."""
    return make_routine("gentle")


def _patient(alice, name: str, email: str) -> Patient:
    return Patient.objects.create(
        clinic=alice.clinic, primary_practitioner=alice, full_name=name, email=email
    )


# --- Signing in and out, and the password forms ---------------------------------------------


def test_signing_in_and_out(no_js_page, site, sign_in, alice):
    page = no_js_page
    sign_in(page, alice.user.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text(
        "That email and password do not match an account."
    )

    sign_in(page, alice.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    expect(page.get_by_text("Clinic A")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(f"{site}/patients/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_changing_and_resetting_the_password(no_js_page, site, log_in_as, alice):
    page = no_js_page
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/")
    page.get_by_role("link", name="Password").click()
    # The sudo moment first, as a plain form: a wrong password is refused with a message.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Confirm with my password").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not your password.")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm with my password").click()
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-second-mat-password")
    page.get_by_label("New password confirmation").fill("a-different-one")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"password fields didn.t match"))

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-second-mat-password")
    page.get_by_label("New password confirmation").fill("a-second-mat-password")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    alice.user.refresh_from_db()
    assert alice.user.check_password("a-second-mat-password")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)

    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-third-mat-password")
    page.get_by_label("New password confirmation").fill("a-third-mat-password")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your new password is saved")).to_be_visible()
    alice.user.refresh_from_db()
    assert alice.user.check_password("a-third-mat-password")


# --- Adding a patient and inviting them -----------------------------------------------------


def test_adding_a_patient_sends_an_invitation_and_a_new_one_can_follow(
    no_js_page, site, log_in_as, alice
):
    page = no_js_page
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/")
    page.get_by_role("link", name="Add patient").first.click()
    page.get_by_label("Patient's name").fill("Jo March")
    page.get_by_label("Patient's email").fill("jo.march@")
    page.get_by_role("button", name="Add and send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("This does not look like an email address")
    assert not Patient.objects.exists()

    page.get_by_label("Patient's email").fill("Jo.March@Patients.example")
    page.get_by_role("button", name="Add and send invitation").click()
    expect(page.get_by_role("heading", name="Jo March")).to_be_visible()
    expect(page.get_by_text("Jo March is added. Their invitation is saved")).to_be_visible()
    expect(page.get_by_text("jo.march@patients.example · primary practitioner")).to_be_visible()
    expect(page.get_by_text("The link works until")).to_be_visible()
    (first,) = mail.outbox
    assert first.to == ["jo.march@patients.example"]
    assert re.search(r"https?://\S+/invitation/\S+/", first.body)

    page.get_by_role("button", name="Send a new invitation").click()
    expect(
        page.get_by_text("A new invitation is on its way to jo.march@patients.example.")
    ).to_be_visible()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["jo.march@patients.example"]


# --- A visit and the safety questions in clinic ---------------------------------------------


def test_recording_a_visit_and_the_safety_answers_in_clinic(
    no_js_page, site, log_in_as, alice, pat, safety
):
    page = no_js_page
    now = timezone.localtime(timezone=ZoneInfo(alice.clinic.time_zone))
    visited, booked = now - timedelta(hours=1), now + timedelta(days=14)
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/")

    page.get_by_role("button", name="Record a visit").click()
    page.get_by_label("Visit date and time").fill(
        (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_role("alert")).to_contain_text("A visit is recorded once it has happened.")
    assert not Appointment.objects.exists()

    page.get_by_label("Visit date and time").fill(visited.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Short note").fill("Neck and upper back")
    page.get_by_label("Next booked visit").fill(booked.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("The visit is recorded.")).to_be_visible()
    expect(page.get_by_text("Neck and upper back")).to_be_visible()
    expect(
        page.get_by_text(f"{booked:%A} {booked.day} {booked:%B %Y}, {booked:%H:%M}")
    ).to_be_visible()

    page.get_by_role("button", name="Record answers in clinic").click()
    expect(page.get_by_role("heading", name="Safety questions, in clinic")).to_be_visible()
    page.get_by_role("button", name="Save the answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose yes or no.")
    assert not pat.screenings.exists()

    page.get_by_role("group", name="Are you pregnant, or could you be?").get_by_label("Yes").check()
    page.get_by_role("group", name="Do you have an open wound where you would lie?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Save the answers").click()
    expect(page.get_by_role("heading", name="Pat Patient")).to_be_visible()
    safety_questions = page.locator(
        "article", has=page.get_by_role("heading", name="Safety questions")
    )
    expect(safety_questions).to_contain_text("Answered yes to:")
    # The latest answers, then the same screening as the one row of the history.
    expect(safety_questions.locator("p + ul").get_by_role("listitem")).to_have_text(
        ["Are you pregnant, or could you be?"]
    )
    history = safety_questions.get_by_role("table", name="Every time they answered")
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr")).to_contain_text("Are you pregnant, or could you be?")
    assert pat.screenings.get().answer_map() == {"pregnancy": True, "open-wounds": False}


# --- Assigning a plan -----------------------------------------------------------------------


def test_assigning_a_plan_with_the_schedule_shown_by_its_button(
    no_js_page, site, log_in_as, alice, pat, safety, routine
):
    page = no_js_page
    screen(pat)
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/")
    page.get_by_role("button", name="Assign a plan").click()
    expect(page.get_by_text("Choose a routine above to see its stages.")).to_be_visible()

    # Without JavaScript, choosing a routine takes a press of its button.
    page.get_by_label("Routine").select_option(label="Gentle")
    page.get_by_role("button", name="Use this routine").click()
    stage_two = page.get_by_role("group", name=re.compile(r"^Stage 2, week 2"))
    expect(stage_two.get_by_label("Sessions a week")).to_have_value("3")
    expect(page.locator("#preview .totals")).to_contain_text("12 sessions")

    # A value out of bounds: the schedule says why it is missing.
    stage_two.get_by_label("Sessions a week").fill("0")
    page.get_by_role("button", name="Show the schedule").click()
    expect(page.get_by_role("alert")).to_contain_text("Stage 2, Sessions a week: At least 1")
    expect(page.locator("#preview")).to_contain_text("Some stage values need fixing.")

    # Four weeks from today, stage 2 every day from week 2: 3 + 21 sessions.
    stage_two = page.get_by_role("group", name=re.compile(r"^Stage 2, week 2"))
    stage_two.get_by_label("Sessions a week").fill("7")
    page.get_by_role("button", name="Show the schedule").click()
    expect(page.locator("#preview .totals")).to_contain_text("24 sessions")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert not Plan.objects.exists()

    page.get_by_label("Note for the patient").fill("Slow breaths; get up slowly.")
    page.get_by_role("button", name="Assign this plan").click()
    expect(page.get_by_text("The plan is saved and Pat Patient can see it.")).to_be_visible()
    expect(page.get_by_role("heading", name="Mat plan: Gentle")).to_be_visible()
    expect(page.get_by_text("Slow breaths; get up slowly.")).to_be_visible()
    plan = Plan.objects.get(patient=pat)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.sessions.count() == 24


# --- A plan's page ----------------------------------------------------------------------------


def test_pausing_resuming_extending_and_ending_a_plan(
    no_js_page, site, log_in_as, alice, pat, safety, routine
):
    page = no_js_page
    screen(pat)
    plan = make_plan(pat, routine, days=14)
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/plans/{plan.pk}/")
    status = page.locator("article .status")
    expect(status).to_have_text("Active")

    page.get_by_label("Why pause (optional)").fill("Away for a week")
    page.get_by_role("button", name="Pause from today").click()
    expect(page.get_by_text("The plan is paused from today.")).to_be_visible()
    expect(status).to_have_text("Paused")
    expect(page.get_by_text("· Away for a week")).to_be_visible()

    page.get_by_role("button", name="Resume the plan").click()
    expect(page.get_by_text("The plan carries on from today.")).to_be_visible()
    expect(status).to_have_text("Active")

    # Bad dates get the page's own message, not the browser's.
    old_end, new_end = plan.end_date, plan.end_date + timedelta(days=7)
    page.get_by_label("New last day").fill("")
    page.get_by_role("button", name="Extend").click()
    expect(page.get_by_role("alert")).to_contain_text("New last day: Enter a date.")
    page.get_by_label("New last day").fill(plan.start_date.isoformat())
    page.get_by_role("button", name="Extend").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a day after the current last day")
    plan.refresh_from_db()
    assert plan.end_date == old_end

    page.get_by_label("New last day").fill(new_end.isoformat())
    page.get_by_role("button", name="Extend").click()
    expect(page.get_by_text("The plan now runs to its new last day.")).to_be_visible()
    expect(page.get_by_text(f"to {_long_date(new_end)}")).to_be_visible()

    page.get_by_label("Why end it now (optional)").fill("Moving away")
    page.get_by_role("button", name="End the plan now").click()
    expect(page.get_by_text("The plan has ended. Past sessions are kept.")).to_be_visible()
    expect(status).to_have_text("Ended")
    expect(page.get_by_role("heading", name="Change this plan")).to_have_count(0)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED


def test_a_waiting_plan_is_cleared_or_started_from_its_page(
    no_js_page, site, log_in_as, alice, pat, staff, safety, routine
):
    page = no_js_page
    # Assigned before the questions were asked, then a yes that needs clearing.
    waiting = make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    # Another plan waits on the same kind of answer, but the clinic then drops
    # that question: nothing stands in its way, yet only a person starts it.
    cleo = _patient(alice, "Cleo Second", "cleo@patients.example")
    other = make_plan(cleo, routine)
    screen(cleo, yes=["pregnancy"])
    assert {waiting.status, other.status} == {PlanStatus.WAITING}

    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/plans/{waiting.pk}/")
    expect(page.get_by_role("heading", name="Waiting for screening")).to_be_visible()
    page.get_by_role("button", name="Record clearance and start the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Give your reason for clearing this")
    waiting.refresh_from_db()
    assert waiting.status == PlanStatus.WAITING

    page.get_by_label(re.compile("Why the mat suits this patient")).fill(
        "Second trimester; lying on the side only."
    )
    page.get_by_role("button", name="Record clearance and start the plan").click()
    expect(page.get_by_text("Your clearance is recorded and the plan is active.")).to_be_visible()
    expect(page.locator("article .status")).to_have_text("Active")
    expect(page.get_by_text("Second trimester; lying on the side only.")).to_be_visible()

    Contraindication.objects.filter(code="pregnancy").delete()
    publish_safety_version(change_note="Pregnancy is covered in clinic.", published_by=staff)
    page.goto(f"{site}/patients/{cleo.pk}/plans/{other.pk}/")
    expect(
        page.get_by_text("Nothing in Cleo Second's latest answers stands in the way")
    ).to_be_visible()
    page.get_by_role("button", name="Start the plan").click()
    expect(
        page.get_by_text("Nothing stands in its way any more: the plan is active.")
    ).to_be_visible()
    expect(page.locator("article .status")).to_have_text("Active")
    other.refresh_from_db()
    assert other.status == PlanStatus.ACTIVE


# --- Finding patients ---------------------------------------------------------------------------


def test_searching_and_filtering_the_patient_list_and_the_library(
    no_js_page, site, log_in_as, alice, pat, safety, routine
):
    page = no_js_page
    screen(pat)
    make_plan(pat, routine)
    _patient(alice, "Patricia Waiting", "patricia@patients.example")
    _patient(alice, "Quentin Nobody", "quentin@patients.example")
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/")
    names = page.locator("#patient-results tbody td:first-child > a")
    expect(names).to_have_count(3)

    page.get_by_label("Search by name").fill("pat")
    page.get_by_role("button", name="Search").click()
    expect(names).to_have_text(["Pat Patient", "Patricia Waiting"])
    expect(page).to_have_url(re.compile(r"\?q=pat&status=&show=$"))

    page.get_by_label("Plan").select_option(label="Active")
    page.get_by_role("button", name="Search").click()
    expect(names).to_have_text(["Pat Patient"])
    expect(page.get_by_label("Search by name")).to_have_value("pat")

    page.get_by_label("Search by name").fill("")
    page.get_by_label("Plan").select_option(label="No current plan")
    page.get_by_label("Show").select_option(label="Flagged patients only")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No patient needs attention just now.")).to_be_visible()
    expect(names).to_have_count(0)

    # The library's filter is a plain GET form too.
    make_position("Feet, standing", body_region="feet")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Positions on the mat").click()
    page.get_by_label("Body region").select_option(label="Feet")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(["Feet, standing"])


# --- The review before the next visit -----------------------------------------------------------


def test_the_review_marks_side_effects_seen_takes_feedback_and_exports(
    no_js_page, site, log_in_as, alice, pat, safety, routine
):
    page = no_js_page
    screen(pat)
    acknowledge_safety_version(pat, safety)
    start = patient_today(pat) - timedelta(days=6)
    plan = make_plan(pat, routine, start=start, today=start)
    first = plan.sessions.order_by("date").first()
    log, _ = check_off(first, today=first.date)
    save_details(log, LogDetails(pain_before=6, pain_after=3, relaxation=7, note="Warm after."))
    report_side_effect(
        pat, codes=["bruising"], details="A small bruise.", submission_key=uuid4(), today=first.date
    )

    log_in_as(page, alice.user, confirmed=True)
    page.goto(f"{site}/patients/{pat.pk}/review/")
    expect(page.get_by_role("heading", name="Review: Pat Patient")).to_be_visible()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("not seen yet")

    page.get_by_role("button", name="Mark the side effects above as seen").click()
    expect(page.get_by_text("Marked as seen. The flag is cleared.")).to_be_visible()
    expect(timeline).to_contain_text("seen by Alice Practitioner")
    expect(timeline).not_to_contain_text("not seen yet")
    expect(page.get_by_role("button", name="Mark the side effects above as seen")).to_have_count(0)
    assert not SideEffectReport.objects.unseen().exists()

    page.get_by_role("button", name="Send to the patient").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a message for the patient")
    assert not Feedback.objects.exists()

    page.get_by_label("Message to the patient").fill("Good start. Keep the sessions short.")
    page.get_by_role("button", name="Send to the patient").click()
    expect(page.get_by_text("Sent. Pat Patient sees it on their Today page.")).to_be_visible()
    sent = page.locator("section", has=page.get_by_role("heading", name="Sent before"))
    expect(sent).to_contain_text("Alice Practitioner: “Good start. Keep the sessions short.”")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download all sessions (CSV)").click()
    csv = download.value.path().read_text(encoding="utf-8-sig")
    assert "Warm after." in csv
    assert "Bruising" in csv
