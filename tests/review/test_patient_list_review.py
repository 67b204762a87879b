"""The patient list as a review queue: adherence over the last 7 days and the
whole plan, the last session, days to the next visit, the flags in words,
flagged patients first, and a fixed number of queries."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.models import PlanStatus
from clinic.plans.schedule import adjust
from clinic.plans.services import clear_waiting_plan, pause_plan, resume_plan
from clinic.usage.services import LogDetails, check_off, save_details, undo_check_off
from clinic.visits.models import Appointment
from tests.factories import bulk_patients_with_plans, make_plan, screen, stages_of
from tests.review.test_patient_review import (
    assert_reachable_by_keyboard,
    scroll_boxes,
    two_minute_session_logged_as_ten,
)

# One per listed patient: the link on their name.
PATIENT_LINK = re.compile(r'href="/patients/\d+/"')


def _running_plan(patient, routine, *, days_ago: int, days: int = 28):
    start = patient_today(patient) - timedelta(days=days_ago)
    # Assigned on its first day, so that the past sessions are written.
    return make_plan(patient, routine, start=start, days=days, today=start)


def _tick(session, before=None, after=None):
    noon = datetime.combine(session.date, time(12), tzinfo=session.patient.zone)
    log, _ = check_off(session, today=session.date, now=noon)
    if before is not None:
        save_details(log, LogDetails(pain_before=before, pain_after=after))
    return log


def _list(client, **params) -> str:
    response = client.get(reverse("patient-list"), params)
    assert response.status_code == 200
    return response.text


def _other(clinic, practitioner, name="Abe Early"):
    return Patient.objects.create(
        clinic=clinic,
        primary_practitioner=practitioner,
        full_name=name,
        email=f"{name.split()[0].lower()}@x.example",
    )


def test_adherence_last_session_and_next_visit_in_the_row(alice_client, screened_pat, routine):
    # Three a week on days 1, 3 and 5 of the plan: 6, 4 and 2 days ago.
    plan = _running_plan(screened_pat, routine, days_ago=6)
    first, second, _third = plan.sessions.order_by("date")[:3]
    _tick(first)
    _tick(second)
    Appointment.objects.create(patient=screened_pat, starts_at=timezone.now() + timedelta(days=3))
    html = _list(alice_client)
    assert "67 % <small>(2 of 3)</small>" in html
    assert f"<td>{second.date:%-d %b}</td>" in html
    assert "In 3 days" in html
    assert "Needs attention" not in html


def test_a_plan_starting_today_shows_nothing_planned_yet(alice_client, screened_pat, routine):
    make_plan(screened_pat, routine)
    html = _list(alice_client)
    assert "Nothing planned yet" in html
    assert "None yet" in html
    assert "None booked" in html
    assert "Needs attention" not in html


def test_three_missed_in_a_row_flags_the_patient_and_lists_them_first(
    alice_client, screened_pat, routine, clinic_a, alice
):
    _other(clinic_a, alice)
    plan = _running_plan(screened_pat, routine, days_ago=8)
    # Sessions 8, 6 and 4 days ago, and 1 day ago (week 2): none done.
    assert plan.sessions.filter(date__lt=patient_today(screened_pat)).count() == 4
    html = _list(alice_client)
    assert "Needs attention: 4 sessions missed in a row; 0 % of sessions in the last 7 days" in html
    assert html.index("Pat Patient") < html.index("Abe Early")
    assert "1 patient needs attention and is listed first." in html


def test_an_undone_check_off_counts_as_missed(alice_client, screened_pat, routine):
    plan = _running_plan(screened_pat, routine, days_ago=4)
    first, second = plan.sessions.order_by("date")[:2]  # 4 and 2 days ago
    _tick(first)
    log = _tick(second)
    assert "100 %" in _list(alice_client)
    undo_check_off(log, today=second.date)
    assert "50 % <small>(1 of 2)</small>" in _list(alice_client)


def test_pain_rising_flags(alice_client, screened_pat, routine):
    plan = _running_plan(screened_pat, routine, days_ago=6)
    for session, (before, after) in zip(
        plan.sessions.order_by("date")[:3], [(3, 3), (3, 5), (4, 6)], strict=True
    ):
        _tick(session, before, after)
    assert "Needs attention: pain rising" in _list(alice_client)


def test_a_session_much_longer_than_prescribed_flags_in_words(alice_client, screened_pat, routine):
    two_minute_session_logged_as_ten(screened_pat, routine)
    html = _list(alice_client)
    assert "Needs attention: 1 session much longer than prescribed in the last 7 days" in html
    assert "1 patient needs attention and is listed first." in html
    assert "100 % <small>(1 of 1)</small>" in html


def test_the_wide_table_can_be_scrolled_from_the_keyboard(alice_client, screened_pat, routine):
    _running_plan(screened_pat, routine, days_ago=6)
    (attributes,) = scroll_boxes(_list(alice_client))
    assert_reachable_by_keyboard(attributes)
    assert 'aria-label="Patients table, scrolls sideways"' in attributes


def test_paused_days_are_not_missed(alice_client, screened_pat, routine):
    today = patient_today(screened_pat)
    plan = _running_plan(screened_pat, routine, days_ago=13)
    # Done in week 1, then on hold for the whole of week 2 until today.
    for session in plan.sessions.filter(date__lt=today - timedelta(days=6)):
        _tick(session)
    pause_plan(plan, today=today - timedelta(days=6))
    resume_plan(plan, today=today)
    html = _list(alice_client)
    assert "100 % <small>(3 of 3)</small>" in html
    assert "Nothing planned yet" in html  # the last 7 days
    assert "Needs attention" not in html


def test_a_paused_plan_still_shows_its_figures(alice_client, screened_pat, routine):
    plan = _running_plan(screened_pat, routine, days_ago=6)
    _tick(plan.sessions.order_by("date").first())
    pause_plan(plan)
    html = _list(alice_client)
    assert "Paused" in html
    assert "33 % <small>(1 of 3)</small>" in html


def test_a_relative_yes_waiting_for_clearance_flags_until_cleared(
    alice_client, alice, pat, safety, routine
):
    plan = make_plan(pat, routine)  # no answers yet: the plan waits
    screen(pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    html = _list(alice_client)
    assert "Needs attention: safety answer waits for your clearance" in html
    assert "Waiting for your clearance" in html
    clear_waiting_plan(plan, {"pregnancy": "Discussed with her midwife."}, cleared_by=alice.user)
    assert "Needs attention" not in _list(alice_client)


def test_flagged_only_view_lists_just_the_flagged(
    alice_client, screened_pat, routine, clinic_a, alice
):
    _other(clinic_a, alice)
    _running_plan(screened_pat, routine, days_ago=8)
    html = _list(alice_client, show="attention")
    assert "Pat Patient" in html
    assert "Abe Early" not in html
    assert "listed first" not in html
    screened_pat.plans.get().sessions.all().delete()
    assert "No patient needs attention just now." in _list(alice_client, show="attention")


def test_unknown_show_is_a_400(alice_client):
    response = alice_client.get(reverse("patient-list"), {"show": "everyone"})
    assert response.status_code == 400
    assert response.text == "That search could not be understood."


def test_each_patient_is_judged_on_their_own_today(alice_client, pat, safety, routine, clinic_a):
    """A patient far from the clinic's zone is on another calendar day: the
    sessions that count are those of the patient's day, not the clinic's."""
    now = timezone.now()
    clinic_day = timezone.localdate(now, timezone=ZoneInfo(clinic_a.time_zone))
    zone = next(
        name
        for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
        if timezone.localdate(now, timezone=ZoneInfo(name)) != clinic_day
    )
    pat.time_zone = zone
    pat.save()
    screen(pat)
    patients_day = patient_today(pat)
    assert patients_day != clinic_day
    # Daily sessions from the day before the patient's today.
    start = patients_day - timedelta(days=1)
    daily = [adjust(stage, sessions_per_week=7) for stage in stages_of(routine)]
    make_plan(pat, routine, start=start, today=start, stages=daily)
    # On the patient's day only yesterday's session is due (and missed); on
    # the clinic's day there would be none (ahead) or two (behind).
    assert "0 % <small>(0 of 1)</small>" in _list(alice_client)


# --- Queries -----------------------------------------------------------------------


def _queries(client, **params) -> tuple[int, int]:
    """The queries one page of the list runs, and how many patients it lists."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("patient-list"), params)
    assert response.status_code == 200
    return len(context.captured_queries), len(PATIENT_LINK.findall(response.text))


@pytest.mark.parametrize("show", ["", "attention"])
def test_the_list_runs_the_same_queries_for_10_and_200_patients(
    alice_client, clinic_a, alice, safety, show
):
    # Every third session done: a low week, so each of them needs attention.
    bulk_patients_with_plans(clinic_a, alice, 10, prefix="Few", done_every=3)
    ten, listed = _queries(alice_client, show=show)
    assert listed == 10
    ten_again, _ = _queries(alice_client, show=show)
    bulk_patients_with_plans(clinic_a, alice, 190, prefix="Many", done_every=3)
    assert Patient.objects.filter(clinic=clinic_a).count() == 200
    two_hundred, listed = _queries(alice_client, show=show)
    assert listed == 25  # the first page
    two_hundred_again, _ = _queries(alice_client, show=show)
    # Seven to read the page (the session with the user, membership and clinic
    # joined in: accounts.session_store; the device that passed the second
    # factor (django-otp); the zones patients set for themselves, with whether any stored flag is
    # out of date; the safety content; both counts; the page's patients, cut by
    # the database; their sessions), and one INSERT for its audit row (how many
    # were listed).
    assert ten_again == two_hundred_again == 8
    # And one statement storing the flags of the patients just added.
    assert ten == two_hundred == 9


def test_bulk_patients_are_flagged_for_low_adherence(alice_client, clinic_a, alice, safety):
    bulk_patients_with_plans(clinic_a, alice, 3, done_every=3)
    html = _list(alice_client)
    # A daily plan 14 days in, every third session done: 5 of 14.
    assert "36 % <small>(5 of 14)</small>" in html
    assert "% of sessions in the last 7 days" in html


def test_visit_days_follow_the_patients_calendar(alice_client, screened_pat, routine):
    _running_plan(screened_pat, routine, days_ago=2)
    zone = screened_pat.zone
    tomorrow = patient_today(screened_pat) + timedelta(days=1)
    Appointment.objects.create(
        patient=screened_pat,
        starts_at=datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone) + timedelta(hours=9),
    )
    assert "Tomorrow" in _list(alice_client)
