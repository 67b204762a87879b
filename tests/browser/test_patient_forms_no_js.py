"""Every form a patient submits, on a phone with JavaScript switched off:
each one posts as a plain HTML form (its own CSRF token, no htmx) and the
page that follows says what happened."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.clock import patient_today
from accounts.models import Invitation, Patient
from clinic.usage.models import SessionLog, SideEffectReport
from clinic.usage.services import check_off
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.conftest import PASSWORD
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-mat-password"


@pytest.fixture
def safety(staff):
    make_safety_content()
    return publish_safety_version(change_note="First.", published_by=staff)


@pytest.fixture
def ready(pat, safety):
    """Pat has read the guidance and answered the questions."""
    acknowledge_safety_version(pat, safety)
    screen(pat)
    return pat


@pytest.fixture
def plan(ready):
    """A plan from today: three sessions a week, the first one today."""
    return make_plan(ready, make_routine(), days=14)


@pytest.fixture
def phone(phone_without_js, site):
    phone_without_js.set_default_timeout(10_000)
    return phone_without_js


def at(site: str, name: str, *args) -> str:
    return site + reverse(name, args=args)


def todays_session(plan):
    return plan.sessions.get(date=patient_today(plan.patient))


# --- Signing in and out -----------------------------------------------------------------


def test_signing_in(phone, site, sign_in, plan):
    sign_in(phone, plan.patient.user.email, "not-the-password")
    expect(phone.get_by_text("That email and password do not match an account.")).to_be_visible()

    sign_in(phone, plan.patient.user.email, PASSWORD)
    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_role("heading", name="Hello, Pat Patient")).to_be_visible()
    expect(phone.get_by_role("heading", name="Today's session")).to_be_visible()


def test_signing_out(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    # The Today page now asks for the password again.
    phone.goto(at(site, "patient-home"))
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(phone.get_by_text("Hello, Pat Patient")).to_have_count(0)


# --- The invitation and passwords ---------------------------------------------------


@pytest.fixture
def newcomer(alice) -> Patient:
    return Patient.objects.create(
        clinic=alice.clinic,
        primary_practitioner=alice,
        full_name="Jo March",
        email="jo@patients.example",
    )


def test_accepting_the_invitation_sets_the_password(phone, site, alice, safety, newcomer):
    _, token = Invitation.issue(newcomer, created_by=alice.user)
    phone.goto(at(site, "invitation-accept", token))
    expect(phone.get_by_role("heading", name="Welcome, Jo March")).to_be_visible()

    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type it again").fill("a-different-password")
    phone.get_by_role("button", name="Set password and continue").click()
    expect(phone.get_by_text("The two passwords are not the same.", exact=True)).to_be_visible()

    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type it again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set password and continue").click()
    expect(phone).to_have_url(at(site, "safety-acknowledge"))
    expect(
        phone.get_by_role("heading", name="Please read this before your first session")
    ).to_be_visible()
    newcomer.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)


def test_asking_for_a_new_invitation_when_the_link_ran_out(phone, site, alice, newcomer):
    invitation, token = Invitation.issue(newcomer, created_by=alice.user)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=30),
        expires_at=invitation.expires_at - timedelta(days=30),
    )
    phone.goto(at(site, "invitation-accept", token))
    expect(phone.get_by_role("heading", name="This invitation has run out")).to_be_visible()
    phone.get_by_role("button", name="Email me a new link").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(phone.get_by_text("A new invitation link is on its way")).to_be_visible()
    (message,) = mail.outbox
    assert message.to == ["jo@patients.example"]


def test_changing_the_password_from_settings(phone, site, log_in_as, plan):
    user = plan.patient.user
    log_in_as(phone, user)
    phone.goto(at(site, "patient-settings"))
    phone.get_by_role("link", name="Change your password").click()
    # The sudo moment first, as a plain form.
    expect(phone.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    phone.get_by_label("Your password").fill(PASSWORD)
    phone.get_by_role("button", name="Confirm with my password").click()

    phone.get_by_label("Old password").fill("not-the-password")
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save new password").click()
    expect(
        phone.get_by_text(
            "Your old password was entered incorrectly. Please enter it again.", exact=True
        )
    ).to_be_visible()

    phone.get_by_label("Old password").fill(PASSWORD)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save new password").click()
    expect(phone.get_by_role("heading", name="Password changed")).to_be_visible()
    expect(phone.get_by_text("Your new password works from now on.")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_choosing_a_new_password_through_the_emailed_link(phone, site, sign_in, plan):
    phone.goto(at(site, "login"))
    phone.get_by_role("link", name="Forgotten your password?").click()
    phone.get_by_label("Email", exact=True).fill(plan.patient.user.email)
    phone.get_by_role("button", name="Email me a reset link").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Choose a new password")).to_be_visible()
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save new password").click()
    expect(phone.get_by_role("heading", name="Your new password is saved")).to_be_visible()

    sign_in(phone, plan.patient.user.email, NEW_PASSWORD)
    expect(phone.get_by_role("heading", name="Hello, Pat Patient")).to_be_visible()


# --- Safety first ------------------------------------------------------------------------


def test_reading_and_acknowledging_the_safety_guidance(phone, site, log_in_as, pat, safety):
    screen(pat)
    make_plan(pat, make_routine(), days=14)
    log_in_as(phone, pat.user)
    phone.goto(at(site, "patient-home"))
    expect(phone).to_have_url(at(site, "safety-acknowledge"))
    expect(phone.get_by_text("The mat goes with needling.")).to_be_visible()
    phone.get_by_role("button", name="I have read this").click()
    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Thank you. You can see today's session now.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Today's session")).to_be_visible()


def test_answering_the_safety_questions(phone, site, log_in_as, pat, safety):
    acknowledge_safety_version(pat, safety)
    make_plan(pat, make_routine(), days=14)
    log_in_as(phone, pat.user)
    phone.goto(at(site, "patient-home"))
    expect(phone).to_have_url(at(site, "safety-questions"))

    phone.get_by_role("button", name="Save my answers").click()
    expect(phone.get_by_text("Choose yes or no.").first).to_be_visible()

    for question in (
        "Are you pregnant, or could you be?",
        "Do you have an open wound where you would lie?",
    ):
        phone.get_by_role("group", name=question).get_by_label("No").check()
    phone.get_by_role("button", name="Save my answers").click()
    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Thank you. Your plan is ready.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Today's session")).to_be_visible()


# --- The day's session -----------------------------------------------------------------


def test_ticking_off_todays_session(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("button", name="Done: tick off today's session").click()
    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Done. Well done for today.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Done for today")).to_be_visible()
    expect(phone.get_by_text("How did it go? (optional)")).to_be_visible()
    assert SessionLog.objects.get().planned_session == todays_session(plan)


def test_saving_how_it_went(phone, site, log_in_as, plan):
    check_off(todays_session(plan))
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    # Nothing said yet, so the questions are open.
    phone.get_by_label("Pain before the session").select_option("0")
    phone.get_by_label("Pain after the session").select_option("3")
    phone.get_by_label("How relaxed you felt").select_option("8")
    phone.get_by_label("Warm").check()
    phone.get_by_label("A note for yourself and your practitioner").fill("Dozed off.")
    phone.get_by_role("button", name="Save how it went").click()

    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Thank you. Saved.")).to_be_visible()
    expect(phone.get_by_text("Pain 0 before, 3 after.")).to_be_visible()
    expect(phone.get_by_text("Relaxed 8 out of 10.")).to_be_visible()
    log = SessionLog.objects.get()
    assert (log.pain_before, log.pain_after, log.relaxation) == (0, 3, 8)
    assert (log.sensations, log.note) == (["warm"], "Dozed off.")


def test_saving_how_it_went_with_a_side_effect_says_what_to_do(phone, site, log_in_as, plan):
    check_off(todays_session(plan))
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_label("Bruising").check()
    phone.get_by_role("button", name="Save how it went").click()

    expect(phone.get_by_role("heading", name="What to do now")).to_be_visible()
    expect(phone.get_by_text("Tell your practitioner.")).to_be_visible()
    assert SideEffectReport.objects.get().symptom_names == ["Bruising"]


def test_undoing_a_check_off(phone, site, log_in_as, plan):
    check_off(todays_session(plan))
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("button", name="Undo: I have not done it").click()

    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Un-ticked. You can tick it off again")).to_be_visible()
    expect(phone.get_by_role("heading", name="Today's session")).to_be_visible()
    expect(phone.get_by_role("button", name="Done: tick off today's session")).to_be_visible()
    assert not SessionLog.objects.exists()


def test_ticking_off_a_missed_day_from_the_calendar(phone, site, log_in_as, ready):
    today = patient_today(ready)
    start = today - timedelta(days=2)
    plan = make_plan(ready, make_routine(), start=start, today=start)
    missed = plan.sessions.get(date=start)
    log_in_as(phone, ready.user)
    phone.goto(at(site, "patient-plan"))
    day = phone.locator(".plan-day").filter(has_text=f"{start:%A} {start.day} {start:%B}")
    expect(day).to_contain_text("Missed")
    day.get_by_role("button", name="I did it: tick it off").click()

    expect(phone).to_have_url(at(site, "session-day", missed.pk))
    expect(phone.get_by_role("heading", name=re.compile(r"^Done"))).to_contain_text(
        f"{start:%A} {start.day} {start:%B}"
    )
    expect(phone.get_by_text(f"Ticked off {today:%A}")).to_be_visible()
    phone.get_by_role("link", name="← Your plan").click()
    expect(day).to_contain_text("Done")
    assert SessionLog.objects.get().planned_session == missed


def test_the_guided_timers_check_off(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("button", name="Start the guided timer").click()
    expect(phone.get_by_role("heading", name="Guided session")).to_be_visible()
    # With JavaScript off the timer stays hidden; any clock will do.
    expect(phone.locator("#guided-timer")).to_be_hidden()
    phone.get_by_label("Minutes you did").fill("7")
    phone.get_by_role("button", name="Done: tick off today's session").click()

    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Done. Well done for today.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Done for today")).to_be_visible()
    assert SessionLog.objects.get().minutes_done == 7


# --- Side effects and settings ----------------------------------------------------------


def test_reporting_a_side_effect(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("button", name="Report a side effect").click()

    phone.get_by_role("button", name="Send to my practitioner").click()
    expect(
        phone.get_by_text("Tick what you noticed, or describe it in your own words.")
    ).to_be_visible()
    assert not SideEffectReport.objects.exists()

    phone.get_by_label("Bruising").check()
    phone.get_by_label("In your own words").fill("A small bruise on the shoulder blade.")
    phone.get_by_role("button", name="Send to my practitioner").click()
    expect(phone.get_by_role("heading", name="What to do now")).to_be_visible()
    expect(phone.get_by_text("Tell your practitioner.")).to_be_visible()
    expect(phone.get_by_text("You wrote: “A small bruise on the shoulder blade.”")).to_be_visible()
    assert SideEffectReport.objects.get().symptom_names == ["Bruising"]


def test_choosing_a_time_zone(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("link", name="Settings").click()
    expect(phone.get_by_text("Your day follows Europe/London.")).to_be_visible()
    phone.get_by_label("Your time zone").select_option("America/New_York")
    phone.get_by_role("button", name="Save").click()

    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Saved. Your days now follow this time zone.")).to_be_visible()
    phone.get_by_role("link", name="Settings").click()
    expect(phone.get_by_text("Your day follows America/New_York.")).to_be_visible()
    plan.patient.refresh_from_db()
    assert plan.patient.time_zone == "America/New_York"
