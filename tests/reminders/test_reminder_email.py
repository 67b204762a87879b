"""clinic.reminders.reminder_email and what the scan stores: who the email is
from, where replies go, the one-click unsubscribe headers (RFC 8058), the
footer, the link to today's page, and no health data anywhere in it."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from clinic.notifications import unsubscribe
from clinic.notifications.models import OutgoingEmail, Status
from clinic.reminders.reminder_email import DAILY, NUDGE, WAITING, Composer, Content, Recipient
from clinic.usage.models import Feedback
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from clinic.visits.models import Appointment
from tests.reminders.helpers import MINUTES, POSITION, ready, republish, scan_at

DAY = date(2026, 6, 10)
EIGHT = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def test_the_daily_reminder_says_the_session_and_links_to_today(
    pat, safety, django_capture_on_commit_callbacks
):
    ready(pat, start=DAY)
    scan_at(EIGHT, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "Today's mat session is waiting for you"
    assert message.to == [pat.user.email]
    assert message.from_email == "Clinic A <noreply@localhost>"
    assert message.reply_to == ["Clinic A <alice@a.example>"]
    text = message.body
    assert text.startswith("Hello Pat,\n")
    assert f"Today's mat session is waiting for you: {MINUTES} minutes, {POSITION}." in text
    assert f"{SITE}{reverse('patient-home')}" in text
    # The footer: the clinic, how to change the time, the one-click link
    # (the same as the header's, made for this patient).
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{SITE}/unsubscribe/")
    with time_machine.travel(EIGHT, tick=False):  # the token is signed with the time
        assert unsubscribe.patient_id_from(link.rstrip("/").rsplit("/", 1)[1]) == pat.pk
    assert "Clinic A sends you this reminder" in text
    assert f"open Settings on the site:\n{SITE}{reverse('patient-settings')}" in text
    assert link in text
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert f'<a href="{SITE}{reverse("patient-home")}">' in html
    assert f'<a href="{link}">' in html
    assert f"{MINUTES} minutes, {POSITION}." in html


def test_every_reminder_carries_the_one_click_unsubscribe_headers(
    pat, safety, django_capture_on_commit_callbacks
):
    ready(pat, start=DAY)
    scan_at(EIGHT, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    headers = message.message()
    with time_machine.travel(EIGHT, tick=False):  # the token is signed with the time
        assert headers["List-Unsubscribe"] == f"<{unsubscribe.url_for(pat)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link is this patient's.
    token = headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(EIGHT, tick=False):
        assert unsubscribe.patient_id_from(token) == pat.pk


PLANTED = {
    "condition": "Zygomatic-neuralgia-7731",
    "visit note": "Appointment-note-4410",
    "note for the patient": "Plan-note-for-patient-9921",
    "session note": "Session-note-5508",
    "side effect": "Side-effect-details-6672",
    "feedback": "Practitioner-feedback-3387",
}


def _plant_health_data(pat, plan) -> None:
    Appointment.objects.create(
        patient=pat,
        starts_at=EIGHT - timedelta(days=3),
        note=f"{PLANTED['condition']}; {PLANTED['visit note']}",
        recorded_by=pat.primary_practitioner.user,
    )
    plan.note_for_patient = PLANTED["note for the patient"]
    plan.save(update_fields=["note_for_patient"])
    with time_machine.travel(EIGHT - timedelta(days=1, hours=-12), tick=False):
        log, _ = check_off(plan.sessions.get(date=DAY - timedelta(days=1)))
        save_details(
            log,
            LogDetails(minutes_done=10, pain_before=7, pain_after=3, note=PLANTED["session note"]),
        )
        report_side_effect(
            pat,
            codes=[],
            details=PLANTED["side effect"],
            submission_key="a6f0b1c2-8a1e-4d8e-9a55-111111111111",
            today=DAY - timedelta(days=1),
        )
    Feedback.objects.create(
        patient=pat, plan=plan, author=pat.primary_practitioner.user, message=PLANTED["feedback"]
    )


@pytest.mark.parametrize("kind", ["daily", "waiting", "nudge"])
def test_no_health_data_anywhere_in_the_stored_email(
    kind, pat, safety, staff, django_capture_on_commit_callbacks
):
    plan = ready(pat, start=DAY - timedelta(days=3) if kind == "nudge" else DAY - timedelta(days=1))
    if kind == "nudge":
        with time_machine.travel(EIGHT - timedelta(days=3), tick=False):
            check_off(plan.sessions.get(date=DAY - timedelta(days=3)))
    if kind == "nudge":
        _plant_health_data_nudge(pat, plan)
    else:
        _plant_health_data(pat, plan)
    if kind == "waiting":
        republish(staff)
    with time_machine.travel(EIGHT, tick=False), django_capture_on_commit_callbacks(execute=False):
        from clinic.reminders.scan import send_due

        assert send_due(EIGHT) == 1
    (email,) = OutgoingEmail.objects.filter(key__contains=f":{pat.pk}:")
    assert email.status == Status.QUEUED and email.text_body  # bodies still there to read
    stored = " ".join(
        [email.subject, email.text_body, email.html_body, str(email.extra_headers), str(email.to)]
    )
    for what, planted in PLANTED.items():
        assert planted not in stored, what
    for score in ("pain", "7/10", "relax"):
        assert score not in stored.lower()
    assert {"daily": "Today's mat", "waiting": "Something is", "nudge": "Your mat"}[kind] in (
        email.subject
    )


def _plant_health_data_nudge(pat, plan) -> None:
    """As above, with the sessions of the last two days left undone."""
    Appointment.objects.create(
        patient=pat,
        starts_at=EIGHT - timedelta(days=3),
        note=f"{PLANTED['condition']}; {PLANTED['visit note']}",
        recorded_by=pat.primary_practitioner.user,
    )
    plan.note_for_patient = PLANTED["note for the patient"]
    plan.save(update_fields=["note_for_patient"])
    log = plan.sessions.get(date=DAY - timedelta(days=3)).log
    with time_machine.travel(EIGHT - timedelta(days=3), tick=False):
        save_details(
            log,
            LogDetails(minutes_done=10, pain_before=7, pain_after=3, note=PLANTED["session note"]),
        )
        report_side_effect(
            pat,
            codes=[],
            details=PLANTED["side effect"],
            submission_key="a6f0b1c2-8a1e-4d8e-9a55-222222222222",
            today=DAY - timedelta(days=3),
        )
    Feedback.objects.create(
        patient=pat, plan=plan, author=pat.primary_practitioner.user, message=PLANTED["feedback"]
    )


def test_the_waiting_email_says_nothing_of_the_session(
    pat, safety, staff, django_capture_on_commit_callbacks
):
    ready(pat, start=DAY)
    republish(staff)
    scan_at(EIGHT, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    (html, _), *_ = message.alternatives
    for part in (message.subject, message.body, html):
        # The links carry random signed tokens, which may hold any digits.
        part = re.sub(r"https?://[^\s\"<]+", "", part)
        assert POSITION not in part
        assert str(MINUTES) not in part
        assert "mat session" not in part
    assert "Something is waiting for you on the site." in message.body
    assert f"{SITE}{reverse('patient-home')}" in message.body


@pytest.mark.parametrize(
    "content",
    [
        Content(DAILY, 12, "Feet, standing"),
        Content(DAILY, 1, ""),
        Content(NUDGE, 20, "Low back & hips <lying>"),
        Content(NUDGE),
        Content(WAITING),
    ],
)
@time_machine.travel(datetime(2026, 6, 10, 7, 0, tzinfo=UTC), tick=False)
def test_each_email_is_exactly_what_rendering_it_alone_gives(pat, content):
    """The composer renders once per kind and fills in name and link; the
    result must not differ from rendering with the patient's own values.

    The clock stands still: the unsubscribe link is signed with the time, and
    a second ticking over between the two renders would change it."""
    pat.full_name = "Zoë <O'Brien> & co"
    recipient = Recipient(pat.pk, pat.full_name, "z@x.example", pat.clinic, ("a@x.example",))
    composer = Composer()
    composer.message(Recipient(999, "Someone Else", "s@x.example", pat.clinic, ()), content)
    message = composer.message(recipient, content)
    context = {
        "subject": content.subject(),
        "first_name": "Zoë",
        "clinic_name": pat.clinic.name,
        "minutes": content.minutes,
        "position": content.position,
        "today_url": SITE + reverse("patient-home"),
        "settings_url": SITE + reverse("patient-settings"),
        "unsubscribe_url": unsubscribe.url_for(pat),
        "language_code": "en-gb",
    }
    assert message.body == render_to_string(f"reminders/email/{content.template}.txt", context)
    (html, _), *_ = message.alternatives
    assert html == render_to_string(f"reminders/email/{content.template}.html", context)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe.url_for(pat)}>"
