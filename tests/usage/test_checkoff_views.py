"""The patient's today page and ticking a session off (clinic/usage/views.py:
the session card's views): one tap (htmx or a plain form), how it went, undo,
a missed day, and every bad input."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import AuditEvent
from clinic.plans.models import PlanStatus
from clinic.usage.models import SessionLog, SideEffectReport
from clinic.usage.services import check_off
from mats.services import acknowledge_safety_version
from tests import lone_surrogate
from tests.factories import audit_mark, audit_since, make_plan, screen

HOME = reverse("patient-home")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ready_pat(screened_pat, safety):
    acknowledge_safety_version(screened_pat, safety)
    return screened_pat


@pytest.fixture
def plan(ready_pat, routine):
    """Starts today: sessions today, in two days and in four days."""
    plan = make_plan(ready_pat, routine, days=14)
    plan.note_for_patient = "Keep the T-shirt on this week."
    plan.save()
    return plan


def today_session(plan):
    return plan.sessions.get(date=patient_today(plan.patient))


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def url(name, session):
    return reverse(name, args=[session.pk])


def details(**changes) -> dict:
    data = {
        "submission_key": "6b1f4c2e-1d5a-4d39-9d3c-5b2a7f0e8a11",
        "minutes_done": "",
        "pain_before": "",
        "pain_after": "",
        "relaxation": "",
        "note": "",
        "side_effect_details": "",
    }
    return {**data, **changes}


# --- The page ----------------------------------------------------------------------


def test_today_shows_the_session_how_to_breathe_and_the_practitioners_note(pat_client, plan):
    html = squash(pat_client.get(HOME).text)
    assert "Today's session" in html
    for words in (
        "Low back, lying",
        "5 minutes",
        "Bed (soft)",
        "A thin layer (T-shirt or thin socks)",
        "Lower yourself slowly.",  # the position's how-to
        "Roll to the side.",
        "about five breaths a minute",
        "Keep the T-shirt on this week.",
        "Done: tick off today's session",
    ):
        assert words in html, words


def test_a_rest_day_gives_the_next_sessions_date(pat_client, ready_pat, routine):
    today = patient_today(ready_pat)
    make_plan(ready_pat, routine, start=today - timedelta(days=1), today=today - timedelta(days=1))
    html = pat_client.get(HOME).text
    assert "Rest day" in html
    following = today + timedelta(days=1)
    assert f"Your next session is on <strong>{following:%A} {following.day} {following:%B}" in html


def test_no_plan_says_what_to_do(pat_client, ready_pat):
    html = pat_client.get(HOME).text
    assert "No mat plan yet" in html
    assert "nothing you need to do here" in html


def test_a_plan_that_starts_later_says_when(pat_client, ready_pat, routine):
    start = patient_today(ready_pat) + timedelta(days=3)
    make_plan(ready_pat, routine, start=start)
    assert f"Your plan starts on {start:%A} {start.day} {start:%B}" in pat_client.get(HOME).text


# --- One tap -------------------------------------------------------------------------


def test_one_tap_without_javascript_ticks_off_and_comes_back(pat_client, plan):
    session = today_session(plan)
    response = pat_client.post(url("session-check-off", session))
    assert response.status_code == 302
    assert response["Location"] == HOME
    log = SessionLog.objects.get()
    assert log.planned_session == session
    html = pat_client.get(HOME).text
    assert "Done" in html and "for today" in html
    assert "How did it go? (optional)" in html
    assert AuditEvent.objects.filter(object_type="usage.sessionlog", action="create").exists()


def test_one_tap_with_htmx_swaps_in_the_done_card(pat_client, plan):
    response = pat_client.post(url("session-check-off", today_session(plan)), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="session-card"' in response.text
    assert "How did it go? (optional)" in response.text
    assert "HX-Request" in response["Vary"]
    assert SessionLog.objects.count() == 1


def test_double_taps_and_retries_leave_one_log(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session), **HTMX)
    pat_client.post(url("session-check-off", session), **HTMX)
    response = pat_client.post(url("session-check-off", session), follow=True)
    assert "Already ticked off." in response.text
    assert SessionLog.objects.count() == 1


def test_bad_minutes_from_the_timer_are_refused_and_change_nothing(pat_client, plan):
    response = pat_client.post(url("session-check-off", today_session(plan)), {"minutes_done": "0"})
    assert response.status_code == 200
    assert "Enter at least 1 minute" in response.text
    assert not SessionLog.objects.exists()


# --- How it went -----------------------------------------------------------------------


def test_details_are_saved_in_place(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    response = pat_client.post(
        url("session-details", session),
        details(
            minutes_done="4",
            pain_before="6",
            pain_after="3",
            relaxation="8",
            sensations=["stinging", "warm"],
            note="Dozed off.",
        ),
        **HTMX,
    )
    assert "Thank you. Saved." in response.text
    log = SessionLog.objects.get()
    assert (log.minutes_done, log.pain_before, log.pain_after, log.relaxation) == (4, 6, 3, 8)
    assert (log.sensations, log.note) == (["stinging", "warm"], "Dozed off.")
    assert not SideEffectReport.objects.exists()


def test_details_without_javascript_redirect_back(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    response = pat_client.post(url("session-details", session), details(pain_before="2"))
    assert response["Location"] == HOME
    assert SessionLog.objects.get().pain_before == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain_before", "11", "Choose a number from 0 to 10."),
        ("pain_after", "-1", "Choose a number from 0 to 10."),
        ("relaxation", "abc", "Choose a number from 0 to 10."),
        ("relaxation", "1e3", "Choose a number from 0 to 10."),
        ("minutes_done", "91", "Enter at most 90 minutes."),
        ("minutes_done", "99999999999999999999", "Enter at most 90 minutes."),
        ("minutes_done", "ten", "Enter the minutes as a whole number"),
        ("sensations", "itchy", "Choose how it felt from the list."),
        ("side_effects", "not-a-rule", "Choose signs from the list."),
        ("note", "x" * 501, "Please keep it to 500 characters or fewer"),
        ("note", "Fine\x00", "invisible control character"),
        ("side_effect_details", "y" * 1001, "Please keep it to 1000 characters or fewer"),
        ("side_effect_details", "\x00", "invisible control character"),
        ("submission_key", "", "This form is out of date."),
    ],
)
def test_bad_details_get_a_clear_error_and_change_nothing(pat_client, plan, field, value, message):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    for headers in ({}, HTMX):
        response = pat_client.post(
            url("session-details", session), details(**{field: value}), **headers
        )
        assert response.status_code == 200
        assert message in response.text
    log = SessionLog.objects.get()
    assert (log.pain_before, log.pain_after, log.relaxation, log.minutes_done) == (None,) * 4
    assert (log.sensations, log.note) == ([], "")
    assert not SideEffectReport.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_lone_surrogate_in_the_note_is_refused_kindly_and_changes_nothing(
    pat_client, plan, headers
):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    response = pat_client.post(
        url("session-details", session),
        lone_surrogate.multipart(details(note=lone_surrogate.TEXT)),
        content_type=lone_surrogate.CONTENT_TYPE,
        **headers,
    )
    assert response.status_code == 200
    assert "This contains a character that cannot be saved" in response.text
    assert "Please remove it or type the text again." in response.text
    # Their text comes back to correct, the broken character marked.
    assert f"{lone_surrogate.SHOWN_AGAIN}</textarea>" in response.text
    log = SessionLog.objects.get()
    assert log.note == ""
    assert not SideEffectReport.objects.exists()


def test_details_post_after_an_undo_in_another_tab_ticks_off_again(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-details", session), details(pain_before="4"))
    assert SessionLog.objects.get().pain_before == 4


def test_details_are_audited_as_the_patient_once_per_post(pat_client, pat, plan):
    mark = audit_mark()  # the fixtures' plan and screening write rows too
    session = today_session(plan)
    pat_client.post(url("session-details", session), details(pain_before="4"))
    pat_client.post(url("session-details", session), details(pain_before="5"), **HTMX)
    log = SessionLog.objects.get()
    trail = audit_since(mark).order_by("pk").values_list("actor", "action", "object_id", "path")
    assert list(trail) == [
        (pat.user.pk, "create", log.pk, url("session-details", session)),
        (pat.user.pk, "update", log.pk, url("session-details", session)),
    ]


# --- Undo ----------------------------------------------------------------------------


def test_undo_on_the_same_day(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    response = pat_client.post(url("session-undo", session), **HTMX)
    assert "Done: tick off today's session" in squash(response.text)
    assert not SessionLog.objects.exists()


def test_undo_is_recorded_as_deleting_the_log(pat_client, pat, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    log = SessionLog.objects.get()
    pat_client.post(url("session-undo", session))
    logs = AuditEvent.objects.filter(object_type="usage.sessionlog")
    trail = logs.order_by("at", "pk").values_list(
        "actor", "clinic", "action", "object_type", "object_id"
    )
    assert list(trail) == [
        (pat.user.pk, pat.clinic_id, "create", "usage.sessionlog", log.pk),
        (pat.user.pk, pat.clinic_id, "delete", "usage.sessionlog", log.pk),
    ]
    # Undoing again (a second tab) finds nothing to delete and records nothing.
    pat_client.post(url("session-undo", session))
    assert logs.count() == 2


def test_undo_is_refused_the_next_day(pat_client, ready_pat, routine):
    today = patient_today(ready_pat)
    plan = make_plan(
        ready_pat, routine, start=today - timedelta(days=2), today=today - timedelta(2)
    )
    session = plan.sessions.get(date=today - timedelta(days=2))
    check_off(session, today=today - timedelta(days=1), now=timezone.now() - timedelta(days=1))
    response = pat_client.post(url("session-undo", session), follow=True)
    assert "only on the day you ticked it off" in response.text
    assert SessionLog.objects.count() == 1


# --- Missed days and the future ---------------------------------------------------------


def test_a_missed_session_can_be_ticked_off_up_to_three_days_later(pat_client, ready_pat, routine):
    today = patient_today(ready_pat)
    start = today - timedelta(days=6)
    plan = make_plan(ready_pat, routine, start=start, today=start)
    two_days_ago = plan.sessions.get(date=today - timedelta(days=2))
    response = pat_client.post(url("session-check-off", two_days_ago))
    assert response["Location"] == url("session-day", two_days_ago)
    assert SessionLog.objects.filter(planned_session=two_days_ago).exists()
    six_days_ago = plan.sessions.get(date=start)
    response = pat_client.post(url("session-check-off", six_days_ago), follow=True)
    assert "up to 3 days later" in response.text
    assert not SessionLog.objects.filter(planned_session=six_days_ago).exists()
    assert (
        "can no longer be ticked off here" in pat_client.get(url("session-day", six_days_ago)).text
    )


def test_a_future_session_cannot_be_ticked_off(pat_client, plan):
    future = plan.sessions.filter(date__gt=patient_today(plan.patient)).first()
    response = pat_client.post(url("session-check-off", future), **HTMX)
    assert "You can tick it off on the day, not before." in response.text
    assert not SessionLog.objects.exists()
    assert (
        "You can tick this session off on the day."
        in pat_client.get(url("session-day", future)).text
    )


# --- Whose records ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("session-day", "get"),
        ("session-check-off", "post"),
        ("session-details", "post"),
        ("session-undo", "post"),
    ],
)
def test_another_patients_session_is_404(quinn, bob, safety, routine, pat_client, name, method):
    acknowledge_safety_version(quinn, safety)
    screen(quinn)
    theirs = make_plan(quinn, routine)
    session = theirs.sessions.first()
    response = getattr(pat_client, method)(url(name, session))
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


# --- The patient's midnight ---------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.mark.parametrize(
    ("day", "ten_to_midnight"),
    [
        (date(2026, 1, 14), datetime(2026, 1, 14, 23, 50, tzinfo=UTC)),  # GMT
        (date(2026, 3, 29), datetime(2026, 3, 29, 22, 50, tzinfo=UTC)),  # clocks went forward
        (date(2026, 10, 25), datetime(2026, 10, 25, 23, 50, tzinfo=UTC)),  # clocks went back
    ],
)
def test_a_check_off_at_ten_to_midnight_counts_for_that_day_in_london(
    pat_client, ready_pat, routine, clock, day, ten_to_midnight
):
    plan = make_plan(ready_pat, routine, start=day, today=day)
    clock(ten_to_midnight)
    assert "Today's session" in pat_client.get(HOME).text
    pat_client.post(url("session-check-off", plan.sessions.get(date=day)))
    assert SessionLog.objects.get().day == day
    # Ten minutes later it is the next day: a rest day, and the session is still done.
    clock(ten_to_midnight + timedelta(minutes=10))
    html = pat_client.get(HOME).text
    assert "Rest day" in html


def test_a_patient_in_new_york_ticks_off_at_ten_to_midnight_their_time(
    pat_client, ready_pat, routine, clock
):
    ready_pat.time_zone = "America/New_York"
    ready_pat.save()
    day = date(2026, 3, 8)  # New York's clocks went forward that morning
    plan = make_plan(ready_pat, routine, start=day, today=day)
    clock(datetime(2026, 3, 9, 3, 50, tzinfo=UTC))  # 23:50 EDT on the 8th
    pat_client.post(url("session-check-off", plan.sessions.get(date=day)))
    assert SessionLog.objects.get().day == day


def test_a_paused_plan_still_shows_todays_session_once_ticked_off(pat_client, plan):
    session = today_session(plan)
    pat_client.post(url("session-check-off", session))
    pat_client.post(url("session-details", session), details(side_effects="dizziness"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    html = pat_client.get(HOME).text
    assert "Your plan is paused." in html
    assert "for today" in html
