"""The practitioner's alert when a patient reports a side effect a stop rule
names (clinic.notifications.services.alert_practitioner_of_report, called by
clinic.usage.services.report_side_effect): one short email per report to the
primary practitioner, a link to the review, and no health words or names."""

import re
from datetime import date
from uuid import uuid4

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.services import alert_practitioner_of_report
from clinic.usage.models import SideEffectReport
from clinic.usage.services import report_side_effect
from mats.models import StopRule
from mats.services import acknowledge_safety_version
from tests.factories import make_plan

MONDAY = date(2026, 3, 2)
NOTE = "Woke with a headache behind my left eye."


@pytest.fixture
def plan(screened_pat, routine):
    return make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)


def _report(plan, codes=("dizziness",), details=NOTE, key=None):
    return report_side_effect(
        plan.patient,
        codes=list(codes),
        details=details,
        submission_key=key or uuid4(),
        today=MONDAY,
    ).report


def _words_it_must_not_carry(patient) -> list[str]:
    """Every stop rule's names and advice, the patient's note, the patient."""
    words = [NOTE, "headache", patient.full_name, patient.email]
    for rule in StopRule.objects.all():
        words += [rule.code, rule.symptom, rule.what_to_do]
    return words


def test_a_stop_rule_report_emails_the_practitioner_a_link_and_no_health_words(
    plan, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _report(plan, codes=["dizziness", "bruising"])
    (message,) = mail.outbox
    assert message.to == [alice.user.email]
    assert message.subject == "A patient's report needs your review"
    link = f"http://127.0.0.1:8000{reverse('patient-review', args=[plan.patient.pk])}"
    assert link in message.body
    assert "One of your patients at Clinic A" in message.body
    assert "Hello Alice Practitioner" in message.body
    text = f"{message.subject}\n{message.body}\n{message.message().as_string()}".lower()
    for word in _words_it_must_not_carry(plan.patient):
        assert word.lower() not in text, word
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.key, email.status) == (
        Purpose.SIDE_EFFECT_ALERT,
        f"side-effect-report:{report.pk}",
        Status.SENT,
    )


def test_the_link_starts_at_site_url(plan, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://clinic.example"
    with django_capture_on_commit_callbacks(execute=True):
        _report(plan)
    (message,) = mail.outbox
    assert re.search(r"^https://clinic\.example/patients/\d+/review/$", message.body, re.M)


def test_one_email_per_report_however_often_it_is_asked_for(
    plan, django_capture_on_commit_callbacks
):
    key = uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        report = _report(plan, key=key)
        _report(plan, key=key)  # the same form sent twice finds the first report
        alert_practitioner_of_report(plan.patient, report_id=report.pk)
    assert SideEffectReport.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_each_new_report_has_its_own_email(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _report(plan, codes=["bruising"])
        _report(plan, codes=["bruising"])
    assert len(mail.outbox) == 2


def test_own_words_alone_send_no_alert(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _report(plan, codes=[], details="Itchy shoulders.")
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


class RequestFailed(Exception):
    pass


def test_a_report_that_rolls_back_sends_no_alert(plan, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed),
        transaction.atomic(),
    ):
        _report(plan)
        raise RequestFailed
    assert callbacks == []
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_practitioner_who_cannot_sign_in_is_not_emailed(plan, alice):
    alice.user.is_active = False
    alice.user.save()
    _report(plan)
    assert not OutgoingEmail.objects.exists()


def test_reporting_from_the_patients_phone_alerts_the_practitioner(
    pat_client, plan, safety, alice, django_capture_on_commit_callbacks
):
    acknowledge_safety_version(plan.patient, safety)
    with django_capture_on_commit_callbacks(execute=True):
        response = pat_client.post(
            reverse("side-effect-report"),
            {"submission_key": str(uuid4()), "side_effects": ["dizziness"], "details": NOTE},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [alice.user.email]
    for word in _words_it_must_not_carry(plan.patient):
        assert word.lower() not in message.body.lower(), word
