"""Two requests choosing at the same moment (a double tap on the Today page's
offer, two tabs saving settings) leave one row, one outcome and no error
(clinic/notifications/preferences.py).

Only PostgreSQL (what production runs) can really run two writing
transactions at once; SQLite serialises them, so these tests skip there.
"""

from datetime import time

import pytest
from django.db import connection

from accounts.audit import SYSTEM
from accounts.models import AuditEvent
from clinic.notifications.models import PractitionerNotifications, ReminderSettings
from clinic.notifications.preferences import (
    answer_offer,
    set_practitioner_notifications,
    set_reminders,
)
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_a_double_tap_on_the_offer_makes_one_row_and_one_audit_row(pat):
    results = at_once(4, lambda _: answer_offer(pat, accept=True, actor=SYSTEM))
    assert all(isinstance(result, ReminderSettings) for result in results), results
    settings = ReminderSettings.objects.get(patient=pat)
    assert settings.reminders_on is True
    assert AuditEvent.objects.filter(object_type="notifications.remindersettings").count() == 1


def test_yes_and_not_now_at_once_keep_the_first_answer(pat):
    results = at_once(2, lambda index: answer_offer(pat, accept=index == 0, actor=SYSTEM))
    assert all(isinstance(result, ReminderSettings) for result in results), results
    settings = ReminderSettings.objects.get(patient=pat)
    # Whichever came first, both requests report what the row holds.
    assert {result.reminders_on for result in results} == {settings.reminders_on}


def test_two_tabs_saving_settings_at_once_leave_one_row(pat):
    results = at_once(
        2,
        lambda index: set_reminders(
            pat, reminders_on=True, remind_at=time(7 + index), nudge_on=True, actor=SYSTEM
        ),
    )
    assert all(isinstance(result, ReminderSettings) for result in results), results
    assert ReminderSettings.objects.filter(patient=pat).count() == 1
    assert ReminderSettings.objects.get().remind_at in (time(7), time(8))


def test_two_tabs_saving_a_practitioners_choice_at_once_leave_one_row(alice):
    results = at_once(
        2,
        lambda index: set_practitioner_notifications(
            alice, report_alerts=bool(index), digest_on=True, digest_at=time(7), actor=SYSTEM
        ),
    )
    assert all(isinstance(result, PractitionerNotifications) for result in results), results
    assert PractitionerNotifications.objects.filter(membership=alice).count() == 1
