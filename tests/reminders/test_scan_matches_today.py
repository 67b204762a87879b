"""clinic.reminders.scan against clinic.usage.pages.home: the scan sends the
daily reminder exactly when the Today page would show a session still to do
on an active plan, and only "something is waiting" when the Today page would
first send the patient to the safety guidance or questions. One situation per
case; the Today page is asked at the same moment as the scan runs."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.notifications.models import ReminderSettings
from clinic.plans.models import PlanStatus, Screening, ScreeningAnswer, ScreeningConfirmation
from clinic.plans.queries import needs_screening
from clinic.plans.screening import confirm_withdrawal
from clinic.plans.services import end_plan_early, pause_plan
from clinic.usage import pages
from clinic.usage.services import check_off
from mats.models import Contraindication, Severity
from mats.services import (
    acknowledge_safety_version,
    current_safety_version,
    needs_acknowledgement,
    publish_safety_version,
)
from tests.factories import make_plan, screen
from tests.reminders.helpers import daily_stages, ready, republish, scan_at

DAY = date(2026, 6, 10)
NOW = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)  # 08:00 in London
EARLIER = NOW - timedelta(hours=1)


def _session_day(pat, staff):
    ready(pat, start=DAY)


def _rest_day(pat, staff):
    stage = daily_stages()[0]
    ready(
        pat,
        start=DAY - timedelta(days=1),
        stages=[stage.__class__(**{**stage.__dict__, "sessions_per_week": 1})],
    )


def _ticked_off(pat, staff):
    plan = ready(pat, start=DAY)
    with time_machine.travel(EARLIER, tick=False):
        check_off(plan.sessions.get(date=DAY))


def _ticked_off_then_paused(pat, staff):
    plan = ready(pat, start=DAY)
    with time_machine.travel(EARLIER, tick=False):
        check_off(plan.sessions.get(date=DAY))
        pause_plan(plan, reason="Away.")


def _paused(pat, staff):
    plan = ready(pat, start=DAY - timedelta(days=2))
    with time_machine.travel(EARLIER, tick=False):
        pause_plan(plan, reason="Away.")


def _ended(pat, staff):
    plan = ready(pat, start=DAY - timedelta(days=2))
    with time_machine.travel(EARLIER, tick=False):
        end_plan_early(plan, reason="Done.")


def _ran_out(pat, staff):
    ready(pat, start=DAY - timedelta(days=3), days=3)  # still active; its last day was yesterday


def _not_started(pat, staff):
    ready(pat, start=DAY + timedelta(days=1))


def _settings_and_guidance(pat):
    ReminderSettings.objects.create(patient=pat, reminders_on=True, nudge_on=False)
    acknowledge_safety_version(pat, current_safety_version())


def _waiting_for_screening(pat, staff):
    _settings_and_guidance(pat)
    with time_machine.travel(EARLIER - timedelta(days=1), tick=False):
        make_plan(pat, stages=daily_stages(), start=DAY)


def _waiting_for_clearance(pat, staff):
    _settings_and_guidance(pat)
    with time_machine.travel(EARLIER - timedelta(days=1), tick=False):
        make_plan(pat, stages=daily_stages(), start=DAY)
        screen(pat, yes=["pregnancy"])


def _cleared(pat, staff):
    _settings_and_guidance(pat)
    with time_machine.travel(EARLIER - timedelta(days=1), tick=False):
        screen(pat, yes=["pregnancy"])
        make_plan(
            pat, stages=daily_stages(), start=DAY, clearances={"pregnancy": "Side-lying only."}
        )


def _blocked(pat, staff):
    ready(pat, start=DAY)
    with time_machine.travel(EARLIER, tick=False):
        screen(pat, yes=["open-wounds"])


def _answers_written_directly(pat, *, yes: bool, withdraws: bool = False) -> Screening:
    """A screening the plan's services never saw (so the plan stays active):
    only the gate, read by both the Today page and the scan, stands in the way."""
    screening = Screening.objects.create(
        patient=pat, source="patient", safety_version_number=1, taken_at=EARLIER
    )
    ScreeningAnswer.objects.create(
        screening=screening, code="pregnancy", question="?", answer=False
    )
    ScreeningAnswer.objects.create(
        screening=screening, code="open-wounds", question="?", answer=yes, withdraws_yes=withdraws
    )
    return screening


def _blocked_plan_still_active(pat, staff):
    ready(pat, start=DAY)
    _answers_written_directly(pat, yes=True)


def _awaiting_confirmation(pat, staff):
    ready(pat, start=DAY)
    with time_machine.travel(EARLIER - timedelta(minutes=5), tick=False):
        screen(pat, yes=["open-wounds"], source="patient")
    with time_machine.travel(EARLIER, tick=False):
        screen(pat, source="patient")


def _awaiting_confirmation_plan_still_active(pat, staff):
    ready(pat, start=DAY)
    _answers_written_directly(pat, yes=False, withdraws=True)


def _confirmed_by_the_practitioner(pat, staff):
    ready(pat, start=DAY)
    screening = _answers_written_directly(pat, yes=False, withdraws=True)
    ScreeningConfirmation.objects.create(
        screening=screening, confirmed_by=pat.primary_practitioner.user
    )


def _confirmed_through_the_service(pat, staff):
    # The "yes" paused the plan; confirming the "no" leaves it paused for the
    # practitioner to resume.
    ready(pat, start=DAY - timedelta(days=1))
    with time_machine.travel(EARLIER - timedelta(days=1), tick=False):
        screen(pat, yes=["open-wounds"], source="patient")
    with time_machine.travel(EARLIER - timedelta(hours=20), tick=False):
        taken_back = screen(pat, source="patient")
        confirm_withdrawal(taken_back, confirmed_by=pat.primary_practitioner.user)


def _guidance_not_read(pat, staff):
    ready(pat, start=DAY)
    republish(staff)


def _new_question_not_answered(pat, staff):
    ready(pat, start=DAY)
    Contraindication.objects.create(
        code="bleeding-disorder",
        name="Bleeding disorder",
        screening_question="Do you bruise or bleed easily?",
        practitioner_explanation="Pressure may bruise.",
        severity=Severity.RELATIVE,
        order=3,
    )
    version = publish_safety_version(change_note="A new question.", published_by=staff)
    acknowledge_safety_version(pat, version)


SITUATIONS = {
    "session_day": _session_day,
    "rest_day": _rest_day,
    "ticked_off": _ticked_off,
    "ticked_off_then_paused": _ticked_off_then_paused,
    "paused": _paused,
    "ended": _ended,
    "ran_out": _ran_out,
    "not_started": _not_started,
    "waiting_for_screening": _waiting_for_screening,
    "waiting_for_clearance": _waiting_for_clearance,
    "cleared": _cleared,
    "blocked": _blocked,
    "blocked_plan_still_active": _blocked_plan_still_active,
    "awaiting_confirmation": _awaiting_confirmation,
    "awaiting_confirmation_plan_still_active": _awaiting_confirmation_plan_still_active,
    "confirmed_by_the_practitioner": _confirmed_by_the_practitioner,
    "confirmed_through_the_service": _confirmed_through_the_service,
    "guidance_not_read": _guidance_not_read,
    "new_question_not_answered": _new_question_not_answered,
}


# What the Today page shows in each, written out, so that the comparison
# below is known to cover every outcome.
TODAY_SAYS = dict.fromkeys(SITUATIONS, "nothing") | {
    "session_day": "daily",
    "cleared": "daily",
    "confirmed_by_the_practitioner": "daily",
    "guidance_not_read": "waiting",
    "new_question_not_answered": "waiting",
}


def _expected(pat) -> str:
    with time_machine.travel(NOW, tick=False):
        home = pages.home(pat)
        to_do = (
            home.state == pages.SESSION
            and home.plan is not None
            and home.plan.status == PlanStatus.ACTIVE
            and home.card.log is None
        )
        if not to_do:
            return "nothing"
        if needs_acknowledgement(pat) or needs_screening(pat):
            return "waiting"
        return "daily"


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_the_scan_decides_as_the_today_page_does(
    situation, pat, safety, staff, django_capture_on_commit_callbacks
):
    SITUATIONS[situation](pat, staff)
    ReminderSettings.objects.filter(patient=pat).update(nudge_on=False, remind_at=time(8, 0))
    expected = _expected(pat)
    assert expected == TODAY_SAYS[situation]
    scan_at(NOW, django_capture_on_commit_callbacks)
    subjects = {
        "Today's mat session is waiting for you": "daily",
        "Something is waiting for you on the site": "waiting",
    }
    got = [subjects[message.subject] for message in mail.outbox if pat.user.email in message.to]
    assert got == ([] if expected == "nothing" else [expected])
