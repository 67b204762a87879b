"""The reminder benchmark's data (``manage.py reminder_bench``), written into
its scratch database by a ``manage.py shell`` of that database.

``load`` makes clinics, practitioners and patients who should all get
today's reminder: each has an active account, has read the current safety
version, answered no to every safety question (recorded in clinic), and
follows an active plan from the published standard routine with a session
every day from their own today. Their reminders are on but held (the scan's
turn is set far off) until ``arm`` picks one instant at which every one of
them is due, the same instant in every zone. ``figures`` reads back what the
scan stored and the workers did.

The rows are the ones the site's own forms and services would write (the
plan's stages pass ``stage_problems``; the schedule comes from
``build_schedule``), written with ``bulk_create`` and, for the largest
tables, PostgreSQL's COPY, so that 10,000 patients take well under a minute.
Audit rows are left out: nobody did anything to these records.
"""

from collections import Counter
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Clinic, Membership, Patient, User
from clinic.background.models import ScheduledJob
from clinic.notifications.models import OutgoingEmail, Purpose, ReminderSettings
from clinic.operations.bulk_write import copy_rows
from clinic.plans.models import (
    Plan,
    PlannedSession,
    PlanStage,
    PlanStatus,
    Screening,
    ScreeningAnswer,
)
from clinic.plans.queries import template_stages
from clinic.plans.rules import stage_problems
from clinic.plans.schedule import adjust, build_schedule
from clinic.reminders.models import SentReminder
from mats.models import SafetyAcknowledgement
from mats.services import (
    current_safety_version,
    published_contraindications,
    published_routine_templates,
)

ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo")
JOB = "reminders.send_due"
PLAN_DAYS = 28
# Every OWN_ZONE_EVERY-th patient has set a zone of their own (the next one in
# ZONES), so the scan must follow the patient's zone, not only the clinic's.
OWN_ZONE_EVERY = 7
# The scan's turn while the data waits for ``arm``.
HELD_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
BATCH = 2000


SESSION_COLUMNS = [
    *("plan", "patient", "date", "week", "stage_order"),
    *("minutes", "position", "surface", "clothing"),
]


def _session_row(plan: Plan, day) -> tuple:
    """``day`` of ``build_schedule`` as a row of ``plan``'s sessions, in SESSION_COLUMNS."""
    return (
        *(plan.pk, plan.patient_id, day.day, day.week, day.stage_index),
        *(day.minutes, day.position, day.surface, day.clothing),
    )


def patient_email(number: int) -> str:
    return f"bench{number:05d}@patients.example"


def load(patients: int, *, clinics: int = 10, practitioners: int = 5) -> dict:
    """Write the bench's clinics, practitioners and ``patients`` patients; return counts."""
    version = current_safety_version()
    entries = published_contraindications()
    template = published_routine_templates().get(slug="standard-three-stage")
    # A session every day: the reminder's day has one whichever side of a
    # zone's midnight the due instant falls.
    stages = [adjust(stage, sessions_per_week=7) for stage in template_stages(template)]
    if version is None or not entries or stage_problems(stages):
        raise RuntimeError("The scratch database needs seed_content's published content first.")
    now = timezone.now()
    password = make_password(uuid4().hex)

    clinic_rows = Clinic.objects.bulk_create(
        Clinic(name=f"Bench Clinic {c}", slug=f"bench-{c}", time_zone=ZONES[c % len(ZONES)])
        for c in range(clinics)
    )
    staff = User.objects.bulk_create(
        User(
            email=f"practitioner{c}-{k}@bench{c}.example",
            full_name=f"Practitioner {c}-{k}",
            password=password,
        )
        for c in range(clinics)
        for k in range(practitioners)
    )
    memberships = Membership.objects.bulk_create(
        Membership(user=user, clinic=clinic_rows[n // practitioners])
        for n, user in enumerate(staff)
    )

    def own_zone(number: int, clinic: Clinic) -> str:
        if number % OWN_ZONE_EVERY:
            return ""
        return ZONES[(ZONES.index(clinic.time_zone) + 1) % len(ZONES)]

    users = User.objects.bulk_create(
        (
            User(email=patient_email(n), full_name=f"Bench Patient {n}", password=password)
            for n in range(patients)
        ),
        batch_size=BATCH,
    )
    patient_rows = []
    for n, user in enumerate(users):
        clinic = clinic_rows[n % clinics]
        practitioner = memberships[(n % clinics) * practitioners + (n // clinics) % practitioners]
        patient_rows.append(
            Patient(
                clinic=clinic,
                primary_practitioner=practitioner,
                user=user,
                full_name=user.full_name,
                email=user.email,
                time_zone=own_zone(n, clinic),
            )
        )
    patient_rows = Patient.objects.bulk_create(patient_rows, batch_size=BATCH)
    SafetyAcknowledgement.objects.bulk_create(
        (SafetyAcknowledgement(patient=p, version=version) for p in patient_rows),
        batch_size=BATCH,
    )
    screenings = Screening.objects.bulk_create(
        (
            Screening(
                patient=p,
                recorded_by=p.primary_practitioner.user,
                source=Screening.Source.CLINIC,
                safety_version_number=version.number,
            )
            for p in patient_rows
        ),
        batch_size=BATCH,
    )
    answers = copy_rows(
        ScreeningAnswer,
        ["screening", "code", "question", "answer", "withdraws_yes"],
        (
            (screening.pk, entry.code, entry.question, False, False)
            for screening in screenings
            for entry in entries
        ),
    )

    starts = [timezone.localdate(now, timezone=p.zone) for p in patient_rows]
    plans = Plan.objects.bulk_create(
        (
            Plan(
                patient=p,
                template=template,
                template_name=template.name,
                template_slug=template.slug,
                start_date=start,
                end_date=start + timedelta(days=PLAN_DAYS - 1),
                status=PlanStatus.ACTIVE,
                screening=screening,
                created_by=p.primary_practitioner.user,
                submission_key=uuid4(),
            )
            for p, screening, start in zip(patient_rows, screenings, starts, strict=True)
        ),
        batch_size=BATCH,
    )
    PlanStage.objects.bulk_create(
        (
            PlanStage(plan=plan, order=order, **{**asdict(stage), "positions": [*stage.positions]})
            for plan in plans
            for order, stage in enumerate(stages)
        ),
        batch_size=BATCH,
    )
    schedules: dict[date, list] = {}
    for start in set(starts):
        end = start + timedelta(days=PLAN_DAYS - 1)
        schedules[start] = [day for day in build_schedule(stages, start, end) if day.is_session]
    sessions = copy_rows(
        PlannedSession,
        SESSION_COLUMNS,
        (
            _session_row(plan, day)
            for plan, start in zip(plans, starts, strict=True)
            for day in schedules[start]
        ),
    )
    ReminderSettings.objects.bulk_create(
        (
            ReminderSettings(patient=p, reminders_on=True, offer_answered_at=now, changed_at=now)
            for p in patient_rows
        ),
        batch_size=BATCH,
    )
    # The scan's turn waits until ``arm`` sets it.
    ScheduledJob.objects.update_or_create(name=JOB, defaults={"next_run_at": HELD_UNTIL})
    zones = Counter(p.time_zone or p.clinic.time_zone for p in patient_rows)
    return {
        "clinics": clinics,
        "practitioners": len(memberships),
        "patients": len(patient_rows),
        "screening_answers": answers,
        "planned_sessions": sessions,
        "zones": dict(sorted(zones.items())),
    }


def analyse() -> None:
    """Fresh planner statistics, as autovacuum would have them on a live site."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _zone_of_patient(prefix: str = "patient__"):
    return Coalesce(NullIf(f"{prefix}time_zone", Value("")), f"{prefix}clinic__time_zone")


@transaction.atomic
def arm(due_iso: str, scan_after: float = 0) -> dict:
    """Make every bench patient due at the instant ``due_iso`` (a whole UTC minute):
    each zone's reminder time is that instant's wall clock there. The scan's
    next turn is ``scan_after`` seconds after that instant. Returns who is
    due and each zone's clock."""
    due = datetime.fromisoformat(due_iso)
    settings = ReminderSettings.objects.annotate(zone=_zone_of_patient())
    clocks = {}
    due_emails = []
    for zone in sorted(set(settings.values_list("zone", flat=True))):
        local = due.astimezone(ZoneInfo(zone))
        clocks[zone] = local.strftime("%Y-%m-%d %H:%M")
        in_zone = settings.filter(zone=zone)
        ReminderSettings.objects.filter(pk__in=in_zone.values("pk")).update(
            remind_at=local.time().replace(second=0, microsecond=0), changed_at=timezone.now()
        )
        due_emails += Patient.objects.filter(
            reminder_settings__in=in_zone.values("pk"),
            reminder_settings__reminders_on=True,
            user__is_active=True,
            planned_sessions__date=local.date(),
            planned_sessions__plan__status=PlanStatus.ACTIVE,
        ).values_list("email", flat=True)
    ScheduledJob.objects.filter(name=JOB).update(next_run_at=due + timedelta(seconds=scan_after))
    return {"clocks": clocks, "due": sorted(due_emails)}


def figures(due_iso: str) -> dict:
    """What the scan stored and the workers ran, in seconds after ``due_iso``."""
    due = datetime.fromisoformat(due_iso)

    def after(moment: datetime | None) -> float | None:
        return None if moment is None else round((moment - due).total_seconds(), 2)

    emails = OutgoingEmail.objects.filter(purpose=Purpose.REMINDER)
    stored = emails.aggregate(
        first=Min("created_at"), last=Max("created_at"), first_sent=Min("sent_at")
    ) | emails.aggregate(last_sent=Max("sent_at"))
    tasks = []
    for row in (
        DBTaskResult.objects.filter(enqueued_at__gte=due - timedelta(seconds=5))
        .values("task_path")
        .annotate(
            runs=Count("pk"),
            failed=Count("pk", filter=Q(status="FAILED")),
            enqueued=Min("enqueued_at"),
            started=Min("started_at"),
            finished=Max("finished_at"),
        )
        .order_by("task_path")
    ):
        tasks.append(
            {
                "task": row["task_path"],
                "runs": row["runs"],
                "failed": row["failed"],
                "first_enqueued": after(row["enqueued"]),
                "first_started": after(row["started"]),
                "last_finished": after(row["finished"]),
            }
        )
    return {
        "stored": emails.count(),
        "stored_first": after(stored["first"]),
        "stored_last": after(stored["last"]),
        "sent_first": after(stored["first_sent"]),
        "sent_last": after(stored["last_sent"]),
        "statuses": dict(emails.values_list("status").annotate(n=Count("pk")).order_by()),
        "sent_reminders": SentReminder.objects.count(),
        "tasks": tasks,
    }
