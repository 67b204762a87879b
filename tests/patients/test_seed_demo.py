import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Clinic, Membership, Patient, User
from clinic.plans.models import Clearance, Plan, PlannedSession, PlanStatus
from clinic.review import plan_review as review
from clinic.review.adherence import Logged, pain_rising
from clinic.review.queries import annotate_for_review, attach_reviews
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.usage.services import check_off
from clinic.visits.models import Appointment


def _seed() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_builds_two_clinics_with_their_people():
    _seed()
    demo = Clinic.objects.get(slug="riverside")
    other = Clinic.objects.get(slug="harbour")
    assert demo.memberships.filter(role=Membership.Role.PRACTITIONER).count() == 2
    assert demo.patients.count() == 5
    assert other.memberships.count() == 1
    assert other.patients.count() == 1
    assert User.objects.filter(is_staff=True).count() == 1


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    _seed()
    counts = (User.objects.count(), Patient.objects.count(), Membership.objects.count())
    _seed()
    assert (User.objects.count(), Patient.objects.count(), Membership.objects.count()) == counts


@pytest.mark.django_db
def test_every_printed_sign_in_works():
    output = _seed()
    sign_ins = output.split("Password for every demo account")[0]
    emails = re.findall(r"\S+@\S+\.example", sign_ins)
    password = re.search(r"Password for every demo account: (\S+)", output).group(1)
    assert len(emails) == 9
    request = RequestFactory().post("/sign-in/")
    for email in emails:
        assert authenticate(request, username=email, password=password) is not None, email


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_clinic_has_plans_in_every_state():
    _seed()
    demo = Clinic.objects.get(slug="riverside")
    plans = Plan.objects.filter(patient__clinic=demo)
    assert set(plans.values_list("status", flat=True)) == set(PlanStatus.values)
    assert Appointment.objects.filter(patient__clinic=demo).count() == 11
    assert Appointment.objects.upcoming().filter(patient__clinic=demo).count() == 5


@pytest.mark.django_db
def test_the_demo_has_a_cleared_relative_contraindication_and_an_unscreened_patient():
    _seed()
    ben = Patient.objects.get(email="ben.mistry@patients.example")
    clearance = Clearance.objects.get(plan__patient=ben)
    assert clearance.code == "blood-pressure-medication"
    assert clearance.reason
    assert clearance.cleared_by == ben.primary_practitioner.user
    cara = Patient.objects.get(email="cara.nowak@patients.example")
    assert not cara.screenings.exists()
    assert cara.plans.get().status == PlanStatus.WAITING


@pytest.mark.django_db
def test_past_and_future_sessions_exist_around_today():
    _seed()
    ada = Patient.objects.get(email="ada.byrne@patients.example")
    ended, active = ada.plans.order_by("start_date")
    assert ended.status == PlanStatus.ENDED
    assert ended.ended_on == ended.end_date < active.start_date
    today = patient_today(ada)
    assert ended.sessions.filter(date__lt=today).exists()
    assert active.sessions.filter(date__gte=today).exists()


@pytest.mark.django_db
def test_running_twice_gives_the_same_care_data():
    def care() -> list:
        return sorted(
            (plan.patient.email, plan.status, plan.start_date, plan.end_date, plan.sessions.count())
            for plan in Plan.objects.select_related("patient")
        )

    _seed()
    first = (care(), Appointment.objects.count(), PlannedSession.objects.count())
    _seed()
    assert (care(), Appointment.objects.count(), PlannedSession.objects.count()) == first


@pytest.mark.django_db
def test_the_demo_practitioner_sees_the_plans_on_first_sign_in(client):
    _seed()
    client.force_login(User.objects.get(email="lin.hart@riverside.example"))
    html = client.get(reverse("patient-list")).text
    assert "Active until" in html
    assert "Waiting for screening" in html
    assert "Paused" in html


@pytest.mark.django_db
def test_seeding_again_replaces_what_a_demo_patient_ticked_off():
    _seed()
    ada = Patient.objects.get(email="ada.byrne@patients.example")
    session = ada.planned_sessions.filter(date__lte=patient_today(ada)).last()
    check_off(session, today=session.date)
    _seed()
    assert not SessionLog.objects.filter(planned_session=session).exists()


def _pains(patient) -> list[tuple[int, int]]:
    return list(
        SessionLog.objects.filter(planned_session__patient=patient)
        .order_by("planned_session__date")
        .values_list("pain_before", "pain_after")
    )


@pytest.mark.django_db
def test_the_demo_patients_have_weeks_of_logs_with_missed_days_and_pain_trends():
    _seed()
    ada = Patient.objects.get(email="ada.byrne@patients.example")
    dev = Patient.objects.get(email="dev.patel@patients.example")
    today = patient_today(ada)
    ada_logs = SessionLog.objects.filter(planned_session__patient=ada)
    first_day = ada_logs.order_by("planned_session__date").first().day
    assert (today - first_day).days >= 21
    missed = ada.planned_sessions.filter(date__lt=today, log__isnull=True)
    assert missed.count() == 2
    # Today's session is there to tick off.
    assert ada.planned_sessions.filter(date=today, log__isnull=True).exists()
    easing, rising = _pains(ada), _pains(dev)
    assert easing[0][0] > easing[-1][0]
    assert rising[0][0] < rising[-1][0]
    logged = [
        Logged(day=log.day, minutes=log.minutes, pain_before=b, pain_after=a)
        for log, (b, a) in zip(
            SessionLog.objects.filter(planned_session__patient=dev).order_by(
                "planned_session__date"
            ),
            rising,
            strict=True,
        )
    ]
    assert pain_rising(logged, today=today)


@pytest.mark.django_db
def test_the_demo_has_one_unseen_side_effect_that_paused_a_plan():
    _seed()
    (report,) = SideEffectReport.objects.all()
    assert report.patient.email == "dev.patel@patients.example"
    assert report.symptom_names == ["Bruising"]
    assert not report.is_seen
    assert report.plan.status == PlanStatus.PAUSED
    assert "Bruising" in report.plan.pause_reason


@pytest.mark.django_db
def test_demo_patients_land_where_their_story_says(client):
    _seed()
    client.force_login(User.objects.get(email="ada.byrne@patients.example"))
    assert "Today's session" in client.get(reverse("patient-home")).text
    client.force_login(User.objects.get(email="cara.nowak@patients.example"))
    assert client.get(reverse("patient-home"))["Location"] == reverse("safety-questions")
    client.force_login(User.objects.get(email="finn.doyle@patients.example"))
    assert "No mat plan yet" in client.get(reverse("patient-home")).text
    client.force_login(User.objects.get(email="sam.okafor@riverside.example"))
    assert "Needs attention: side effects" in client.get(reverse("patient-list")).text


@pytest.mark.django_db
def test_running_twice_gives_the_same_logs():
    def logs() -> list:
        return sorted(
            SessionLog.objects.values_list(
                "planned_session__patient__email", "planned_session__date", "pain_before"
            )
        )

    _seed()
    first = (logs(), SideEffectReport.objects.count(), Feedback.objects.count())
    _seed()
    assert (logs(), SideEffectReport.objects.count(), Feedback.objects.count()) == first
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_every_review_flag_shows_on_some_demo_patient():
    _seed()
    now = timezone.now()
    demo = Clinic.objects.get(slug="riverside")
    patients = list(
        annotate_for_review(Patient.objects.filter(clinic=demo), now).select_related("clinic")
    )
    attach_reviews(patients, now)
    flags = {p.email.split(".")[0]: {flag.code for flag in p.flags} for p in patients}
    assert flags == {
        "ada": set(),
        "ben": {review.MISSED, review.LOW},
        "cara": set(),
        "dev": {review.SIDE_EFFECTS, review.PAIN, review.LONGER},
        "eve": {review.CLEARANCE},
    }


@pytest.mark.django_db
def test_the_demo_practitioner_sees_the_flagged_patients_first(client):
    _seed()
    client.force_login(User.objects.get(email="lin.hart@riverside.example"))
    html = client.get(reverse("patient-list")).text
    assert "3 patients need attention and are listed first." in html
    names = ["Ben Mistry", "Dev Patel", "Eve Santos", "Ada Byrne", "Cara Nowak"]
    assert sorted(names, key=html.index) == names
    assert "sessions missed in a row" in html
    assert "safety answer waits for your clearance" in html


@pytest.mark.django_db
def test_ada_sees_her_practitioners_feedback(client):
    _seed()
    client.force_login(User.objects.get(email="ada.byrne@patients.example"))
    html = client.get(reverse("patient-home")).text
    assert "A message from Lin Hart" in html
    assert "A steady first plan, well done." in html


def _invitation_path(output: str) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/invitation/[\w-]+/)", output).group(1)


@pytest.mark.django_db
def test_the_output_says_eve_has_no_account_and_how_to_reach_her(client):
    output = _seed()
    assert "Eve Santos (Riverside Acupuncture) has no account yet" in output
    assert "Or sign in as Lin Hart, open Eve Santos and press “Send a new invitation”" in output
    assert "the email, link included, shows in the console" in output
    page = client.get(_invitation_path(output))
    assert page.status_code == 200
    assert "Welcome, Eve Santos" in page.text


@pytest.mark.django_db
def test_eve_can_take_her_account_again_after_the_demo_is_loaded_again(client):
    first = _invitation_path(_seed())
    password = "eve-sets-a-password"
    client.post(first, {"password1": password, "password2": password})
    eve = Patient.objects.get(email="eve.santos@patients.example")
    assert eve.has_account

    output = _seed()
    eve.refresh_from_db()
    assert not eve.has_account
    client.logout()
    assert client.get(first).status_code == 404
    second = _invitation_path(output)
    response = client.post(second, {"password1": password, "password2": password})
    assert response["Location"] == reverse("patient-home")
    eve.refresh_from_db()
    assert eve.has_account
