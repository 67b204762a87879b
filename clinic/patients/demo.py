"""The demo clinic's month: visits, screenings, plans in every state and the
sessions patients ticked off, dated from today so the demo always looks
current and lived in, with every flag of the review showing on someone.
Used by ``seed_demo`` (development only); everything goes through the same
services as the site.

| patient | story |
| --- | --- |
| Ada Byrne | a finished first plan (ended when the second began) and an active one; |
|  | most sessions done, two missed, pain easing; today's session still to do; |
|  | her practitioner's feedback after the last visit. No flags. |
| Ben Mistry | takes blood-pressure medicine (relative): cleared, plan active; a good |
|  | first week, then one session in the second. Flags: 3 missed in a row, low week. |
| Cara Nowak | seen yesterday, not screened yet: plan waiting for screening. No flags. |
| Dev Patel | pain rising, one session missed, the last one done far longer than |
|  | prescribed; bruising reported two days ago paused the plan, not seen yet. |
|  | Flags: side effects, pain rising, much longer than prescribed. |
| Eve Santos | no account yet; plan set at her first visit, then she told the clinic |
|  | of recent surgery (relative). Flag: waiting for clearance. |
| Finn Doyle (Harbour) | screened, no plan yet |
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail, ReminderSettings
from clinic.plans.models import Plan, Screening
from clinic.plans.queries import template_stages
from clinic.plans.schedule import adjust
from clinic.plans.screening import record_screening
from clinic.plans.services import assign_plan
from clinic.reminders.models import SentReminder
from clinic.usage.models import Feedback, SessionLog
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from clinic.visits.models import Appointment
from mats.services import published_contraindications, published_routine_templates

DEMO_TEMPLATE = "standard-three-stage"
# The demo's practitioners and staff admin sign in with a second factor like
# anyone else; their authenticator shares this known secret (20 bytes, hex),
# so that `make demo-code` can print the code a phone would show. DEBUG only:
# seed_demo and demo_code refuse to run without it.
DEMO_AUTHENTICATOR_KEY = b"mat-companion-demo!!".hex()
PREFERRED_RELATIVE = "blood-pressure-medication"
EVES_RELATIVE = "recent-surgery"


def _at(patient: Patient, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(patient.clinic.time_zone))


def _visit(patient: Patient, day: date, note: str = "") -> None:
    Appointment.objects.create(
        patient=patient,
        starts_at=_at(patient, day, 10),
        note=note,
        recorded_by=patient.primary_practitioner.user,
    )


def _screen(patient: Patient, day: date, *, yes=(), in_clinic: bool = False) -> Screening:
    answers = {entry.code: entry.code in yes for entry in published_contraindications()}
    screening, _ = record_screening(
        patient,
        answers,
        source=Screening.Source.CLINIC if in_clinic else Screening.Source.PATIENT,
        recorded_by=patient.primary_practitioner.user if in_clinic else patient.user,
        taken_at=_at(patient, day, 9),
        today=day,
    )
    return screening


def _plan(
    patient: Patient,
    start: date,
    end: date,
    *,
    assigned: date,
    changes: dict[int, dict] | None = None,
    clearances: dict[str, str] | None = None,
    note_for_patient: str = "",
) -> Plan:
    templates = published_routine_templates()
    template = templates.filter(slug=DEMO_TEMPLATE).first() or templates.first()
    stages = [
        adjust(stage, **(changes or {}).get(index, {}))
        for index, stage in enumerate(template_stages(template))
    ]
    plan, _ = assign_plan(
        patient=patient,
        template=template,
        stages=stages,
        start_date=start,
        end_date=end,
        note_for_patient=note_for_patient,
        created_by=patient.primary_practitioner.user,
        submission_key=uuid4(),
        clearance_reasons=clearances,
        today=assigned,
    )
    return plan


def _plan_at_visit(
    patient: Patient, visited: date, next_visit: date, *, visit_note: str = "", **plan
) -> Plan:
    """A visit, the next one booked, and the plan set at the visit: from the
    day after it to the day before the next one, as practitioners set them."""
    _visit(patient, visited, visit_note)
    _visit(patient, next_visit)
    return _plan(
        patient,
        visited + timedelta(days=1),
        next_visit - timedelta(days=1),
        assigned=visited,
        **plan,
    )


def _log_sessions(
    patient: Patient,
    plan: Plan,
    *,
    before: date,
    pain: Sequence[tuple[int, int]],
    missed: Sequence[int] = (),
    longer: Mapping[int, int] | None = None,
) -> None:
    """Tick off the plan's sessions before ``before`` in the evening of their
    day, with (pain before, pain after) taken in turn from ``pain``; the
    sessions numbered in ``missed`` (from 0) are left undone, and those in
    ``longer`` logged with the minutes given instead of the prescribed ones."""
    sessions = list(plan.sessions.filter(date__lt=before).order_by("date"))
    done = 0
    for number, session in enumerate(sessions):
        if number in missed:
            continue
        pain_before, pain_after = pain[min(done, len(pain) - 1)]
        log, _ = check_off(session, today=session.date, now=_at(patient, session.date, 20))
        early = done < 2
        save_details(
            log,
            LogDetails(
                minutes_done=(longer or {}).get(number, session.minutes),
                pain_before=pain_before,
                pain_after=pain_after,
                relaxation=min(9, 5 + done // 2),
                sensations=("stinging", "warm") if early else ("tingling", "relaxed"),
                note="Sharp for the first minute, then warm." if done == 0 else "",
            ),
        )
        done += 1


# Ada's reminder comes this long after the demo is loaded: `make run` has the
# worker going by then, so a newcomer sees the email arrive in the console.
FIRST_REMINDER_AFTER = timedelta(minutes=3)


def schedule_first_reminder(patient: Patient, now: datetime | None = None) -> datetime:
    """Switch the patient's reminders on, due a few minutes from ``now`` in
    their zone, and forget any reminder sent them before, so it goes again.
    Returns the moment it falls due."""
    now = now or timezone.now()
    due = (now + FIRST_REMINDER_AFTER).astimezone(patient.zone).replace(second=0, microsecond=0)
    if due < now:
        due += timedelta(minutes=1)
    ReminderSettings.objects.update_or_create(
        patient=patient,
        defaults={
            "reminders_on": True,
            "remind_at": due.time(),
            "nudge_on": True,
            "offer_answered_at": now,
            "changed_at": now,
        },
    )
    SentReminder.objects.filter(patient=patient).delete()
    OutgoingEmail.objects.filter(
        Q(key__startswith=f"reminder:{patient.pk}:") | Q(key__startswith=f"nudge:{patient.pk}:")
    ).delete()
    return due


def _relative_code(preferred: str = PREFERRED_RELATIVE, *, not_: str | None = None) -> str | None:
    relative = [
        entry.code
        for entry in published_contraindications()
        if not entry.is_absolute and entry.code != not_
    ]
    if preferred in relative:
        return preferred
    return relative[0] if relative else None


def _ada(patient: Patient, today: date) -> None:
    first = today - timedelta(days=31)
    _visit(patient, first, "Neck and upper back; first needling.")
    _screen(patient, first, in_clinic=True)
    _plan(
        patient,
        first + timedelta(days=1),
        today - timedelta(days=4),
        assigned=first,
        note_for_patient="Start gently on the bed; a T-shirt is fine.",
    )
    current = _plan_at_visit(
        patient,
        today - timedelta(days=3),
        today + timedelta(days=11),
        visit_note="Neck easier, upper back still tight.",
        changes={0: {"minutes_min": 10, "minutes_max": 15}},
        note_for_patient="You know the feeling now, so we start a little longer.",
    )
    # Pain easing over the weeks; today's session is still to do.
    easing = [(6, 5), (6, 4), (5, 4), (5, 3), (5, 3), (4, 3), (4, 2), (4, 2), (3, 2)]
    first_plan = patient.plans.exclude(pk=current.pk).get()
    _log_sessions(patient, first_plan, before=today, pain=easing, missed=(4, 9))
    _log_sessions(patient, current, before=today, pain=[(3, 1)])
    Feedback.objects.create(
        patient=patient,
        plan=current,
        author=patient.primary_practitioner.user,
        message=(
            "A steady first plan, well done. Your neck is moving more freely, so the "
            "sessions are a little longer now. Keep the breathing slow."
        ),
        created_at=_at(patient, today - timedelta(days=3), 12),
    )


def _ben(patient: Patient, today: date) -> None:
    code = _relative_code()
    _screen(patient, today - timedelta(days=15), yes=[code] if code else [])
    plan = _plan_at_visit(
        patient,
        today - timedelta(days=14),
        today + timedelta(days=9),
        visit_note="Low back; takes medicine for blood pressure.",
        clearances={
            code: "Blood pressure well controlled. Knows to sit for a minute and rise slowly "
            "after each session; will report any dizziness."
        }
        if code
        else None,
        note_for_patient="Sit for a minute before you get up, then rise slowly.",
    )
    # Week 1 (3 sessions) all done; in week 2 only the first of four, so the
    # last three planned sessions in a row are missed.
    _log_sessions(
        patient, plan, before=today, pain=[(5, 3), (4, 3), (4, 3), (5, 4)], missed=(4, 5, 6)
    )


def _cara(patient: Patient, today: date) -> None:
    _plan_at_visit(
        patient,
        today - timedelta(days=1),
        today + timedelta(days=13),
        visit_note="First visit: neck pain from desk work.",
    )


def _dev(patient: Patient, today: date) -> None:
    _screen(patient, today - timedelta(days=11))
    plan = _plan_at_visit(
        patient,
        today - timedelta(days=10),
        today + timedelta(days=4),
        visit_note="Low back after lifting.",
        changes={0: {"sessions_per_week": 4}},
    )
    # Pain growing from session to session, the last session 40 minutes
    # against the 5 to 10 prescribed, then bruising, which pauses the plan.
    rising = [(3, 3), (4, 5), (5, 6)]
    _log_sessions(
        patient, plan, before=today - timedelta(days=2), pain=rising, missed=(2,), longer={3: 40}
    )
    reported = report_side_effect(
        patient,
        codes=["bruising"],
        details="Purple marks on my low back where the mat was; tender to touch.",
        submission_key=uuid4(),
        today=today - timedelta(days=2),
    )
    reported.report.reported_at = _at(patient, today - timedelta(days=2), 8)
    reported.report.save(update_fields=["reported_at"])


def _eve(patient: Patient, today: date) -> None:
    # The plan was set before the questions were asked; her answer in clinic
    # needs the practitioner's clearance before it can start.
    _plan_at_visit(
        patient,
        today - timedelta(days=2),
        today + timedelta(days=12),
        visit_note="First visit: shoulder tension.",
    )
    code = _relative_code(EVES_RELATIVE, not_=PREFERRED_RELATIVE)
    _screen(patient, today - timedelta(days=2), yes=[code] if code else [], in_clinic=True)


def _finn(patient: Patient, today: date) -> None:
    _screen(patient, today - timedelta(days=20))


STORIES: dict[str, Callable[[Patient, date], None]] = {
    "ada.byrne@patients.example": _ada,
    "ben.mistry@patients.example": _ben,
    "cara.nowak@patients.example": _cara,
    "dev.patel@patients.example": _dev,
    "eve.santos@patients.example": _eve,
    "finn.doyle@patients.example": _finn,
}


def seed_care(patient: Patient) -> None:
    """Give a demo patient their story afresh (or none), replacing what was there."""
    # Logs protect their planned sessions, so they go first.
    SessionLog.objects.filter(planned_session__patient=patient).delete()
    patient.side_effect_reports.all().delete()
    patient.feedback.all().delete()
    patient.plans.all().delete()
    patient.screenings.all().delete()
    patient.appointments.all().delete()
    story = STORIES.get(patient.email)
    if story is not None:
        story(patient, patient_today(patient))
