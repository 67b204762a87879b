"""The guided timer's page works without JavaScript: the minutes and the
check-off are always there; the script only adds the countdown."""

import re

from django.urls import reverse

from accounts.clock import patient_today
from clinic.usage.services import check_off
from mats.services import acknowledge_safety_version
from tests.factories import make_plan

URL = reverse("session-timer")


def test_the_page_gives_the_minutes_the_script_and_the_check_off(
    pat_client, screened_pat, safety, routine
):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    session = plan.sessions.get(date=patient_today(screened_pat))
    response = pat_client.get(URL)
    html = response.text
    assert "5 minutes · Low back, lying" in html
    assert 'data-minutes="5"' in html
    assert re.search(r'<script src="/static/js/timer\.js" defer>', html)
    assert f'action="{reverse("session-check-off", args=[session.pk])}"' in html
    assert 'name="minutes_done" value="5"' in html
    # No inline script or style: the strict content security policy allows neither.
    assert "<script>" not in html
    assert "style=" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_checking_off_from_the_timer_records_the_minutes(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    session = plan.sessions.get(date=patient_today(screened_pat))
    response = pat_client.post(reverse("session-check-off", args=[session.pk]), {"minutes_done": 4})
    assert response["Location"] == reverse("patient-home")
    assert session.log.minutes_done == 4


def test_a_day_without_a_session_says_so(pat_client, pat):
    assert "No session today" in pat_client.get(URL).text


def test_a_session_already_done_says_so(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    check_off(plan.sessions.get(date=patient_today(screened_pat)))
    assert "Today's session is done" in pat_client.get(URL).text
