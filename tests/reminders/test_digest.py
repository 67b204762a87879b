"""The practitioner's daily digest (clinic.reminders.digest): at the chosen
time in the clinic's zone, once a clinic day, up to two hours late; a count
of the patients the list flags and a link, with no names or health data."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Patient
from clinic.background.schedule import JOBS, resolve
from clinic.notifications.models import OutgoingEmail, PractitionerNotifications, Purpose
from clinic.reminders.digest import send_due_digests
from clinic.reminders.models import SentDigest
from clinic.usage.services import report_side_effect
from tests.conftest import make_user
from tests.factories import make_plan, screen

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 6, 10)


def at(day: date, hour: int, minute: int = 0, zone=LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://mat.example"


@pytest.fixture
def digest_on(alice) -> PractitionerNotifications:
    return PractitionerNotifications.objects.create(
        membership=alice, digest_on=True, digest_at=time(7, 30)
    )


def test_the_digest_goes_at_the_chosen_time_in_the_clinics_zone(digest_on, alice):
    assert send_due_digests(at(DAY, 7, 29)) == 0

    assert send_due_digests(at(DAY, 7, 30)) == 1

    email = OutgoingEmail.objects.get()
    assert email.purpose == Purpose.DIGEST
    assert email.key == f"digest:{alice.pk}:2026-06-10"
    assert email.to == ["alice@a.example"]
    assert email.from_email.startswith("Clinic A <")
    sent = SentDigest.objects.get()
    assert (sent.membership, sent.day, sent.email) == (alice, DAY, email)


def test_a_digest_less_than_two_hours_late_still_goes(digest_on):
    assert send_due_digests(at(DAY, 9, 29)) == 1


@pytest.mark.parametrize("late", [timedelta(hours=2), timedelta(hours=2, minutes=1)])
def test_a_digest_two_hours_late_or_more_is_skipped(digest_on, late):
    assert send_due_digests(at(DAY, 7, 30) + late) == 0
    assert not OutgoingEmail.objects.exists() and not SentDigest.objects.exists()


def test_once_a_day_however_often_the_job_runs(digest_on):
    sent = [send_due_digests(at(DAY, 7, 30) + timedelta(minutes=n)) for n in range(0, 120, 7)]

    assert sent[0] == 1 and sum(sent) == 1
    assert OutgoingEmail.objects.count() == SentDigest.objects.count() == 1
    assert send_due_digests(at(DAY + timedelta(days=1), 7, 30)) == 1
    assert SentDigest.objects.count() == 2


def test_the_time_follows_the_clocks_across_daylight_saving(digest_on):
    # British Summer Time starts on 29 March 2026: 07:30 is 07:30 UTC the day
    # before and 06:30 UTC that day.
    saturday, sunday = date(2026, 3, 28), date(2026, 3, 29)
    assert send_due_digests(datetime(2026, 3, 28, 7, 29, tzinfo=UTC)) == 0
    assert send_due_digests(datetime(2026, 3, 28, 7, 30, tzinfo=UTC)) == 1
    assert send_due_digests(datetime(2026, 3, 29, 6, 29, tzinfo=UTC)) == 0
    assert send_due_digests(datetime(2026, 3, 29, 6, 30, tzinfo=UTC)) == 1
    assert sorted(SentDigest.objects.values_list("day", flat=True)) == [saturday, sunday]


def test_each_clinic_keeps_its_own_clock(digest_on, bob):
    PractitionerNotifications.objects.create(membership=bob, digest_on=True, digest_at=time(8))

    assert send_due_digests(at(DAY, 8, 0, zone=NEW_YORK)) == 1  # 13:00 in London: alice's is late

    assert SentDigest.objects.get().membership == bob


def test_a_time_just_before_midnight_still_goes_just_after_it(alice):
    PractitionerNotifications.objects.create(
        membership=alice, digest_on=True, digest_at=time(23, 30)
    )

    assert send_due_digests(at(DAY + timedelta(days=1), 0, 45)) == 1

    assert SentDigest.objects.get().day == DAY


def test_nobody_gets_a_digest_they_did_not_choose(alice, bob, clinic_a):
    PractitionerNotifications.objects.create(membership=alice, digest_on=False)
    away = Membership.objects.create(
        user=make_user("gone@a.example", "Gone", is_active=False), clinic=clinic_a
    )
    PractitionerNotifications.objects.create(membership=away, digest_on=True)
    # bob has no row: the defaults, no digest.

    assert send_due_digests(at(DAY, 7, 30)) == 0
    assert not OutgoingEmail.objects.exists()


def _flag_pat(pat):
    """Pat reports a side effect nobody has seen yet: the patient list flags them."""
    make_plan(pat)
    report_side_effect(
        pat, codes=["bruising"], details="Marmoset on the knee", submission_key=uuid4()
    )


def test_the_count_is_of_their_own_patients_the_list_flags(digest_on, screened_pat, alice, bob):
    _flag_pat(screened_pat)
    # Another patient of alice's with nothing to flag.
    quiet = Patient.objects.create(
        clinic=alice.clinic, primary_practitioner=alice, full_name="Quiet Quail", email="q@x.ex"
    )
    screen(quiet)
    # A flagged patient of another practitioner in the same clinic is not counted.
    carol = Membership.objects.create(
        user=make_user("carol@a.example", "Carol"), clinic=alice.clinic
    )
    theirs = Patient.objects.create(
        clinic=alice.clinic, primary_practitioner=carol, full_name="Other Otter", email="o@x.ex"
    )
    screen(theirs)
    _flag_pat(theirs)
    now = datetime.now(UTC)
    now_there = now.astimezone(LONDON)
    digest_on.digest_at = (now_there - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    digest_on.save()

    assert send_due_digests(now) == 1

    email = OutgoingEmail.objects.get(purpose=Purpose.DIGEST)
    assert email.subject == "1 patient needs your attention"
    assert "1 of your patients at Clinic A needs your attention today." in email.text_body
    assert "1 of your patients at Clinic A needs your attention today." in " ".join(
        email.html_body.split()
    )
    assert "https://mat.example/patients/" in email.text_body
    assert 'href="https://mat.example/patients/"' in email.html_body
    everything = f"{email.subject}\n{email.text_body}\n{email.html_body}"
    for secret in ("Pat", "Quail", "Otter", "Marmoset", "bruis", "pat@patients.example"):
        assert secret not in everything, secret


def test_a_day_with_nobody_flagged_still_says_so(digest_on):
    assert send_due_digests(at(DAY, 7, 30)) == 1

    email = OutgoingEmail.objects.get()
    assert email.subject == "No patients need your attention today"
    assert "None of your patients at Clinic A needs your attention today." in email.text_body
    assert "Hello Alice," in email.text_body
    # Both parts link to the page where the digest is changed or switched off.
    settings_link = settings.SITE_URL + reverse("practitioner-notifications")
    assert settings_link in email.text_body
    assert f'href="{settings_link}"' in email.html_body


@pytest.mark.django_db(transaction=False)
def test_the_stored_digest_is_delivered_by_the_outbox(
    digest_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_due_digests(at(DAY, 7, 30))

    [sent] = mail.outbox
    assert sent.subject == "No patients need your attention today"
    assert sent.alternatives[0][1] == "text/html"


def test_the_digest_runs_every_minute_on_the_shared_schedule():
    job = JOBS["reminders.send_digests"]

    assert job.every == timedelta(minutes=1)
    assert resolve("reminders.send_digests", job) is send_due_digests
