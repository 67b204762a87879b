"""Two check-offs of one session at the same moment (a double tap, two open
tabs, a retry) leave exactly one log.

Only PostgreSQL (what production runs) can really run two writing
transactions at once; SQLite serialises them, so these tests skip there.
CI runs them on PostgreSQL.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.clock import patient_today
from clinic.usage.models import SessionLog
from clinic.usage.services import check_off
from mats.services import acknowledge_safety_version
from tests.concurrency import at_once
from tests.factories import make_plan

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_two_check_offs_at_once_make_one_log(screened_pat, routine):
    today = patient_today(screened_pat)
    plan = make_plan(screened_pat, routine, start=today, days=7, today=today)
    session = plan.sessions.get(date=today)
    results = at_once(2, lambda _: check_off(session, today=today))
    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert SessionLog.objects.filter(planned_session=session).count() == 1


def test_two_tabs_posting_the_check_off_at_once_leave_one_log(screened_pat, routine, safety):
    acknowledge_safety_version(screened_pat, safety)
    today = patient_today(screened_pat)
    plan = make_plan(screened_pat, routine, start=today, days=7, today=today)
    session = plan.sessions.get(date=today)
    address = reverse("session-check-off", args=[session.pk])
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(screened_pat.user)
    posts = iter(tabs)
    lock = threading.Lock()

    def post():
        with lock:
            tab = next(posts)
        return tab.post(address, HTTP_HX_REQUEST="true").status_code

    assert at_once(2, lambda _: post()) == [200, 200]
    assert SessionLog.objects.filter(planned_session=session).count() == 1
