"""The side-effect alert respects the practitioner's choice
(clinic.notifications.services.alert_practitioner_of_report with
PractitionerNotifications.report_alerts): on by default, nothing stored
when switched off, and one practitioner's choice is theirs alone."""

from datetime import time

from django.core import mail

from accounts.audit import SYSTEM
from clinic.notifications.models import OutgoingEmail
from clinic.notifications.preferences import set_practitioner_notifications
from clinic.notifications.services import alert_practitioner_of_report


def _choose(membership, *, report_alerts: bool) -> None:
    set_practitioner_notifications(
        membership,
        report_alerts=report_alerts,
        digest_on=False,
        digest_at=time(7, 30),
        actor=SYSTEM,
    )


def test_with_no_choice_made_the_alert_goes(pat, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_practitioner_of_report(pat, report_id=1) is not None
    (message,) = mail.outbox
    assert message.to == [alice.user.email]


def test_switched_off_the_alert_stores_and_sends_nothing(
    pat, alice, django_capture_on_commit_callbacks
):
    _choose(alice, report_alerts=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_practitioner_of_report(pat, report_id=1) is None
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_switched_back_on_the_alert_goes_again(pat, alice):
    _choose(alice, report_alerts=False)
    _choose(alice, report_alerts=True)
    assert alert_practitioner_of_report(pat, report_id=2) is not None


def test_another_practitioners_choice_changes_nothing_here(pat, alice, bob):
    _choose(bob, report_alerts=False)
    assert alert_practitioner_of_report(pat, report_id=3) is not None
