"""The email people choose (clinic/notifications/preferences.py): a patient's
reminders, the Today page's offer, the unsubscribe, a practitioner's alert
and digest. Each writes one audit row with ids only, and a second request
for the same row updates it rather than failing."""

from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.audit import SYSTEM, Actor
from clinic.notifications.models import PractitionerNotifications, ReminderSettings
from clinic.notifications.preferences import (
    answer_offer,
    practitioner_notifications,
    set_practitioner_notifications,
    set_reminders,
    turn_off_reminders,
)
from tests.factories import audit_mark, audit_since


@pytest.fixture
def by_pat(pat) -> Actor:
    return Actor(user=pat.user, path="/home/settings/reminders/")


def test_choosing_reminders_saves_them_and_answers_the_offer(pat, by_pat):
    mark = audit_mark()
    settings = set_reminders(
        pat, reminders_on=True, remind_at=time(7, 15, 42), nudge_on=False, actor=by_pat
    )
    settings.refresh_from_db()
    assert (settings.reminders_on, settings.remind_at, settings.nudge_on) == (
        True,
        time(7, 15),
        False,
    )
    assert settings.offer_answered_at is not None
    (event,) = audit_since(mark)
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "notifications.remindersettings",
        settings.pk,
    )
    assert (event.actor, event.clinic_id, event.path) == (
        pat.user,
        pat.clinic_id,
        "/home/settings/reminders/",
    )


def test_choosing_again_updates_the_one_row_and_keeps_when_the_offer_was_answered(pat, by_pat):
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        first = set_reminders(
            pat, reminders_on=True, remind_at=time(8), nudge_on=True, actor=by_pat
        )
    mark = audit_mark()
    with time_machine.travel("2026-03-05 09:00Z", tick=False):
        set_reminders(pat, reminders_on=False, remind_at=time(21, 30), nudge_on=True, actor=by_pat)
    settings = ReminderSettings.objects.get()
    assert settings.pk == first.pk
    assert (settings.reminders_on, settings.remind_at) == (False, time(21, 30))
    assert settings.offer_answered_at == first.offer_answered_at
    assert settings.changed_at.date().isoformat() == "2026-03-05"
    assert [e.action for e in audit_since(mark)] == ["update"]


def test_saving_settings_answers_an_offer_left_open(pat, by_pat):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    set_reminders(pat, reminders_on=True, remind_at=time(9), nudge_on=True, actor=by_pat)
    assert ReminderSettings.objects.get().offer_answered_at is not None


def test_yes_to_the_offer_is_reminders_at_eight_with_the_nudge(pat, by_pat):
    mark = audit_mark()
    settings = answer_offer(pat, accept=True, actor=by_pat)
    settings.refresh_from_db()
    assert (settings.reminders_on, settings.remind_at, settings.nudge_on) == (True, time(8), True)
    assert settings.offer_answered_at is not None
    assert [(e.action, e.object_id) for e in audit_since(mark)] == [("create", settings.pk)]


def test_not_now_answers_the_offer_and_sends_nothing(pat, by_pat):
    settings = answer_offer(pat, accept=False, actor=by_pat)
    settings.refresh_from_db()
    assert settings.reminders_on is False
    assert settings.offer_answered_at is not None


def test_the_first_answer_counts_and_a_second_writes_nothing(pat, by_pat):
    answer_offer(pat, accept=True, actor=by_pat)
    mark = audit_mark()
    again = answer_offer(pat, accept=False, actor=by_pat)
    assert again.reminders_on is True
    assert ReminderSettings.objects.get().reminders_on is True
    assert not audit_since(mark).exists()


def test_not_now_leaves_reminders_set_up_elsewhere_as_they_are(pat, by_pat):
    ReminderSettings.objects.create(patient=pat, reminders_on=True, remind_at=time(6, 30))
    answer_offer(pat, accept=False, actor=by_pat)
    settings = ReminderSettings.objects.get()
    assert (settings.reminders_on, settings.remind_at) == (True, time(6, 30))
    assert settings.offer_answered_at is not None


def test_turning_off_touches_reminders_on_alone(pat):
    answered = timezone.now() - timedelta(days=3)
    ReminderSettings.objects.create(
        patient=pat,
        reminders_on=True,
        remind_at=time(19, 45),
        nudge_on=True,
        offer_answered_at=answered,
    )
    mark = audit_mark()
    assert turn_off_reminders(pat, actor=SYSTEM) is True
    settings = ReminderSettings.objects.get()
    assert settings.reminders_on is False
    assert (settings.remind_at, settings.nudge_on, settings.offer_answered_at) == (
        time(19, 45),
        True,
        answered,
    )
    (event,) = audit_since(mark)
    assert (event.action, event.object_id, event.actor) == ("update", settings.pk, None)


def test_turning_off_what_is_off_writes_nothing(pat, quinn):
    ReminderSettings.objects.create(patient=pat, reminders_on=False)
    mark = audit_mark()
    assert turn_off_reminders(pat, actor=SYSTEM) is False
    # Never chosen: no row to write, and none is made.
    assert turn_off_reminders(quinn, actor=SYSTEM) is False
    assert not ReminderSettings.objects.filter(patient=quinn).exists()
    assert not audit_since(mark).exists()


def test_turning_off_one_patients_reminders_leaves_the_others(pat, quinn):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    ReminderSettings.objects.create(patient=quinn, reminders_on=True)
    turn_off_reminders(pat, actor=SYSTEM)
    assert ReminderSettings.objects.get(patient=quinn).reminders_on is True


def test_a_practitioner_who_never_chose_has_the_defaults(alice):
    chosen = practitioner_notifications(alice)
    assert chosen.pk is None
    assert (chosen.report_alerts, chosen.digest_on, chosen.digest_at) == (True, False, time(7, 30))


def test_a_practitioners_choice_is_saved_once_and_audited(alice):
    actor = Actor(user=alice.user, path="/account/notifications/")
    mark = audit_mark()
    set_practitioner_notifications(
        alice, report_alerts=False, digest_on=True, digest_at=time(6, 5, 9), actor=actor
    )
    set_practitioner_notifications(
        alice, report_alerts=False, digest_on=True, digest_at=time(6, 45), actor=actor
    )
    chosen = PractitionerNotifications.objects.get()
    assert (chosen.membership, chosen.report_alerts, chosen.digest_on, chosen.digest_at) == (
        alice,
        False,
        True,
        time(6, 45),
    )
    events = list(audit_since(mark).order_by("pk"))
    assert [(e.action, e.object_type, e.clinic_id) for e in events] == [
        ("create", "notifications.practitionernotifications", alice.clinic_id),
        ("update", "notifications.practitionernotifications", alice.clinic_id),
    ]
