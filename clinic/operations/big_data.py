"""A clinic group's data at full size, for ``manage.py bench_data`` (and so
for ``make bench-data`` and ``make load``).

``load`` writes, into a database that has seed_content's published content:

- ``clinics`` clinics of ``patients_per_clinic`` patients (20 x 250 by
  default), each with its practitioners and one clinic admin, and a year of
  care per patient: a needling visit every four weeks, a plan between each
  visit and the next (from a published routine, laid out by the site's own
  ``build_schedule``), earlier plans ended when the next began, the current
  one active (a few paused), session logs for most past sessions with pain
  and relaxation scores, side-effect reports for a few percent of them, and
  the practitioner's feedback after most visits; seven patients in ten
  have the reminder email on (so the reminder scan has people due);
- three "scaling" clinics of exactly 100, 1,000 and 5,000 patients with a
  shorter history (``scaling_days``), for the list, the review and Today at
  those sizes;
- one patient (the first of the first clinic) with three years of history.

Every person has the same known password (hashed once); every practitioner,
clinic admin and the staff admin has a confirmed authenticator sharing one
known key (``TOTP_KEY_HEX``), so the load test can work out their codes.

The rows are ones the forms and services would accept (the tests run the
forms' and models' validation on a sample). The large tables are written
with PostgreSQL's COPY, their ids taken from blocks this module reserves;
on SQLite (the tests' tiny sizes) the same rows go through bulk_create.
Audit rows are left out: nobody did anything to these records.
"""

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Clinic, Membership, Patient, User
from clinic.notifications.models import ReminderSettings
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
from clinic.plans.schedule import Stage, adjust, build_schedule
from clinic.review.flags import refresh_stale_flags
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.visits.models import Appointment
from mats.ladder import MAX_MINUTES
from mats.models import SafetyAcknowledgement
from mats.services import (
    current_safety_version,
    published_contraindications,
    published_routine_templates,
    published_stop_rules,
)

# Bench data only: never a real person's password or key.
PASSWORD = "mat-bench-password-2026"  # noqa: S105
TOTP_KEY_HEX = b"mat-companion-bench!".hex()
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney")
VISIT_EVERY = 28
BATCH_PATIENTS = 400
# Patients whose current plan is paused (asked for a break), in percent.
PAUSED_PERCENT = 4
SIDE_EFFECT_PERCENT = 2.5
FEEDBACK_PERCENT = 60
# Of every ten patients: seven turned reminders on (at times from 07:00 to
# 20:30), one answered Today's offer with "not now", two have not answered.
REMINDERS_ON_OF_TEN = 7
REMINDERS_OFF_OF_TEN = 1

FIRST_NAMES = [
    "Ada", "Ben", "Cara", "Dev", "Eve", "Finn", "Grace", "Hugo", "Isla", "Jon", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik",
    "Wren", "Xena", "Yara", "Zane", "Alba", "Bruno", "Chloe", "Dara", "Emil", "Farah",
    "Gus", "Hana", "Ivo", "Jade",
]  # fmt: skip
LAST_NAMES = [
    "Byrne", "Mistry", "Nowak", "Patel", "Santos", "Doyle", "Okafor", "Lindqvist", "Moreau",
    "Haddad", "Kowalski", "Tanaka", "Ferreira", "Murphy", "Novak", "Jensen", "Rossi", "Silva",
    "Kaur", "Walsh", "Ahmed", "Costa", "Berg", "Fischer", "Ito", "Lopez", "Quinn", "Reyes",
    "Schmidt", "Vance", "Young", "Zhou", "Adeyemi", "Brennan", "Castillo", "Dubois",
]  # fmt: skip
NOTES = (
    "Sharp for the first minute, then warm.",
    "Fell asleep on it again.",
    "Back felt looser afterwards.",
    "Did it after work, very relaxing.",
    "Shorter today, busy evening.",
)
DETAILS = (
    "A red mark on my upper back that went by the morning.",
    "Skin felt tender for an hour afterwards.",
    "Slight headache after lying on the neck pillow.",
)
FEEDBACK = (
    "A steady month, well done. We keep the same routine and add a few minutes.",
    "Good to see the pain scores easing. Keep the breathing slow and long.",
    "You missed a few days in the last week; shorter sessions are fine when time is tight.",
    "The low back is moving better. Try sitting on the mat for the hamstrings too.",
    "Thank you for noting the tenderness. Use a thin T-shirt for the next week.",
)
SENSATION_SETS = (
    ("stinging", "warm"),
    ("warm", "tingling"),
    ("tingling", "relaxed"),
    ("relaxed", "sleepy"),
    ("warm",),
    (),
)


@dataclass(frozen=True)
class Size:
    clinics: int = 20
    patients_per_clinic: int = 250
    practitioners_per_clinic: int = 5
    days: int = 365
    scaling: tuple[int, ...] = (100, 1000, 5000)
    scaling_days: int = 84
    long_history_days: int = 3 * 365
    seed: int = 2026


@dataclass
class Rows:
    """The rows of one batch of patients, table by table, in each table's COLUMNS order."""

    tables: dict[type[models.Model], list[tuple]] = field(default_factory=dict)

    def add(self, model: type[models.Model], row: tuple) -> None:
        self.tables.setdefault(model, []).append(row)


COLUMNS: dict[type[models.Model], list[str]] = {
    Appointment: ["id", "patient", "starts_at", "note", "recorded_by", "recorded_at"],
    Plan: [
        *("id", "patient", "template", "template_name", "template_slug", "start_date"),
        *("end_date", "status", "note_for_patient", "screening", "created_by", "created_at"),
        *("submission_key", "paused_on", "pause_reason", "ended_at", "ended_on"),
        "ended_reason",
    ],
    PlanStage: [
        *("id", "plan", "order", "week_from", "week_to", "surface", "clothing"),
        *("minutes_min", "minutes_max", "sessions_per_week", "goal", "positions"),
    ],
    PlannedSession: [
        *("id", "plan", "patient", "date", "week", "stage_order", "minutes"),
        *("position", "surface", "clothing"),
    ],
    SessionLog: [
        *("id", "planned_session", "logged_at", "minutes_done", "pain_before"),
        *("pain_after", "relaxation", "sensations", "note"),
    ],
    SideEffectReport: [
        *("id", "patient", "plan", "session_log", "day", "reported_at", "symptoms"),
        *("safety_version_number", "details", "pauses_plan", "submission_key"),
        *("seen_by", "seen_at"),
    ],
    Feedback: ["id", "patient", "plan", "author", "message", "created_at"],
    ScreeningAnswer: ["id", "screening", "code", "question", "answer", "withdraws_yes"],
}
# Parents before children: the order the tables are written in.
ORDER = [Appointment, Plan, PlanStage, PlannedSession, SessionLog, SideEffectReport, Feedback]


class Ids:
    """Ids for the rows this module writes itself, taken in order from the
    table's largest id; ``reset`` moves each table's sequence past them."""

    def __init__(self) -> None:
        self.next = {
            model: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1 for model in ORDER
        }

    def take(self, model: type[models.Model]) -> int:
        number = self.next[model]
        self.next[model] = number + 1
        return number

    @staticmethod
    def reset() -> None:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), ORDER):
                cursor.execute(statement)


def write(model: type[models.Model], rows: Sequence[tuple]) -> int:
    """Write ``rows`` (in ``COLUMNS[model]``'s order, JSON as text) into ``model``'s table."""
    return copy_rows(model, COLUMNS[model], rows)


@dataclass(frozen=True)
class Routine:
    """A published routine as plans copy it, and its schedule laid out once
    for a plan of VISIT_EVERY - 1 days (every plan here has that length)."""

    template_id: int
    name: str
    slug: str
    stages: tuple[Stage, ...]
    # (day offset, week, stage index, minutes, position, surface, clothing)
    days: tuple[tuple, ...]
    stage_rows: tuple[tuple, ...]  # PlanStage columns after id and plan


def _routines() -> list[Routine]:
    routines = []
    base = date(2026, 1, 1)
    for template in published_routine_templates():
        stages = template_stages(template)
        # The same routine with one session more a week, as a practitioner might set it.
        for variant in (
            stages,
            [adjust(s, sessions_per_week=min(7, s.sessions_per_week + 1)) for s in stages],
        ):
            if stage_problems(variant):
                continue
            days = tuple(
                (
                    (day.day - base).days,
                    day.week,
                    day.stage_index,
                    day.minutes,
                    day.position,
                    day.surface,
                    day.clothing,
                )
                for day in build_schedule(variant, base, base + timedelta(days=VISIT_EVERY - 2))
                if day.is_session
            )
            stage_rows = tuple(
                (
                    order,
                    *(s.week_from, s.week_to, s.surface, s.clothing, s.minutes_min),
                    *(s.minutes_max, s.sessions_per_week, s.goal),
                    json.dumps([*s.positions]),
                )
                for order, s in enumerate(variant)
            )
            routines.append(
                Routine(template.pk, template.name, template.slug, tuple(variant), days, stage_rows)
            )
    return routines


@dataclass(frozen=True)
class Context:
    """What every patient's history is written with."""

    routines: list[Routine]
    version_number: int
    stop_rules: list[dict]  # the stop rules that do not pause a plan, as a report keeps them
    sensations: list[str]  # SENSATION_SETS as JSON text
    now: datetime


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def history(
    rows: Rows,
    ids: Ids,
    ctx: Context,
    rng: random.Random,
    *,
    patient_id: int,
    practitioner_user_id: int,
    screening_id: int,
    zone: ZoneInfo,
    today: date,
    days: int,
    last_visit: date,
) -> None:
    """One patient's ``days`` of care up to ``today``: visits every
    VISIT_EVERY days, the last on ``last_visit`` and the next one booked;
    a plan between each visit and the next; logs, reports and feedback."""
    visits = max(1, -(-days // VISIT_EVERY))
    visit_days = [
        last_visit - timedelta(days=VISIT_EVERY * (visits - 1 - n)) for n in range(visits)
    ]
    visit_days.append(last_visit + timedelta(days=VISIT_EVERY))  # booked
    routine = rng.choice(ctx.routines)
    # Most patients keep to their plan; some drift away (home programmes
    # commonly see 80 % or more from about two thirds of people).
    adherence = rng.choice((0.95, 0.9, 0.9, 0.85, 0.8, 0.7, 0.55, 0.35))
    pain_start = rng.randint(4, 8)
    paused = rng.random() * 100 < PAUSED_PERCENT
    previous_plan = None
    for n, visit in enumerate(visit_days):
        rows.add(
            Appointment,
            (
                ids.take(Appointment),
                patient_id,
                _at(visit, 10, 0, zone),
                "First needling; mat plan set." if n == 0 else "",
                practitioner_user_id,
                _at(visit, 11, 0, zone) if visit <= today else ctx.now,
            ),
        )
        if n == len(visit_days) - 1:
            break
        next_visit = visit_days[n + 1]
        start, end = visit + timedelta(days=1), next_visit - timedelta(days=1)
        current = n == len(visit_days) - 2
        plan_id = ids.take(Plan)
        paused_on = None
        if current and paused:
            paused_on = max(start, today - timedelta(days=rng.randint(0, 6)))
        rows.add(
            Plan,
            (
                *(plan_id, patient_id, routine.template_id, routine.name, routine.slug, start),
                end,
                (
                    PlanStatus.PAUSED
                    if paused_on
                    else PlanStatus.ACTIVE
                    if current
                    else PlanStatus.ENDED
                ).value,
                "Keep your breathing slow and long." if n == 0 else "",
                *(screening_id, practitioner_user_id, _at(visit, 11, 0, zone)),
                _uuid(rng),
                paused_on,
                "The patient asked for a short break." if paused_on else "",
                None if current else _at(next_visit, 11, 0, zone),
                None if current else end,
                "" if current else "Replaced by a new plan.",
            ),
        )
        for stage in routine.stage_rows:
            rows.add(PlanStage, (ids.take(PlanStage), plan_id, *stage))
        if previous_plan is not None and rng.random() * 100 < FEEDBACK_PERCENT:
            rows.add(
                Feedback,
                (
                    ids.take(Feedback),
                    patient_id,
                    previous_plan,
                    practitioner_user_id,
                    rng.choice(FEEDBACK),
                    _at(visit, 12, 0, zone),
                ),
            )
        previous_plan = plan_id
        for offset, week, stage, minutes, position, surface, clothing in routine.days:
            day = start + timedelta(days=offset)
            if paused_on is not None and day >= paused_on:
                break  # pausing removed the sessions from that day on
            session_id = ids.take(PlannedSession)
            rows.add(
                PlannedSession,
                (
                    session_id,
                    plan_id,
                    patient_id,
                    day,
                    week,
                    stage,
                    minutes,
                    position,
                    surface,
                    clothing,
                ),
            )
            # Today's session is left for the patient (and the load test) to tick off.
            if day >= today or rng.random() > adherence:
                continue
            progress = (today - day).days / max(days, 1)
            pain = max(0, min(10, round(pain_start - 3 * (1 - progress) + rng.uniform(-1, 1))))
            scored = rng.random() < 0.85
            chance = rng.random()
            minutes_done = (
                None
                if chance < 0.7
                else minutes
                if chance < 0.95
                else max(1, min(MAX_MINUTES, minutes + rng.choice((-5, -2, 3, 5, 10))))
            )
            logged_at = _at(day, rng.randint(18, 22), rng.randint(0, 59), zone)
            log_id = ids.take(SessionLog)
            rows.add(
                SessionLog,
                (
                    *(log_id, session_id, logged_at, minutes_done),
                    pain if scored else None,
                    max(0, pain - rng.randint(0, 2)) if scored else None,
                    rng.randint(4, 10) if scored else None,
                    rng.choice(ctx.sensations),
                    rng.choice(NOTES) if rng.random() < 0.05 else "",
                ),
            )
            if rng.random() * 100 < SIDE_EFFECT_PERCENT:
                described = not ctx.stop_rules or rng.random() < 0.4
                reported_at = logged_at + timedelta(minutes=5)
                seen = (today - day).days > 7
                rows.add(
                    SideEffectReport,
                    (
                        *(ids.take(SideEffectReport), patient_id, plan_id, log_id, day),
                        reported_at,
                        "[]" if described else json.dumps([rng.choice(ctx.stop_rules)]),
                        ctx.version_number,
                        rng.choice(DETAILS) if described else "",
                        False,
                        _uuid(rng),
                        practitioner_user_id if seen else None,
                        reported_at + timedelta(days=2) if seen else None,
                    ),
                )


def _context(now: datetime) -> Context:
    version = current_safety_version()
    routines = _routines()
    if version is None or not published_contraindications() or not routines:
        raise RuntimeError("The database needs seed_content's published content first.")
    stop_rules = [
        {
            "code": rule.code,
            "symptom": rule.symptom,
            "what_to_do": rule.what_to_do,
            "pauses_plan": rule.pauses_plan,
        }
        for rule in published_stop_rules()
        if not rule.pauses_plan
    ]
    return Context(
        routines=routines,
        version_number=version.number,
        stop_rules=stop_rules,
        sensations=[json.dumps([*s]) for s in SENSATION_SETS],
        now=now,
    )


@dataclass
class ClinicPlan:
    """One clinic to write: its patients and how much history each has."""

    name: str
    slug: str
    zone: str
    patients: int
    practitioners: int
    days: int
    scaling: int | None = None


def clinic_plans(size: Size) -> list[ClinicPlan]:
    plans = [
        ClinicPlan(
            f"Bench Clinic {c + 1}",
            f"bench-{c + 1}",
            ZONES[c % len(ZONES)],
            size.patients_per_clinic,
            size.practitioners_per_clinic,
            size.days,
        )
        for c in range(size.clinics)
    ]
    for patients in size.scaling:
        plans.append(
            ClinicPlan(
                f"Scaling Clinic {patients}",
                f"scaling-{patients}",
                ZONES[0],
                patients,
                max(2, patients // 250),
                size.scaling_days,
                scaling=patients,
            )
        )
    return plans


def _people(size: Size, password: str, now: datetime):
    """Clinics, their members (with authenticators), patients, their safety
    reading and reminder choices; returns what ``history`` and the manifest need."""
    plans = clinic_plans(size)
    clinics = Clinic.objects.bulk_create(
        Clinic(name=p.name, slug=p.slug, time_zone=p.zone) for p in plans
    )
    staff = [
        User(email="staff@bench.example", full_name="Bench Staff", password=password, is_staff=True)
    ]
    members: list[tuple[User, Clinic, str]] = []
    for plan, clinic in zip(plans, clinics, strict=True):
        for k in range(plan.practitioners):
            user = User(
                email=f"practitioner{k + 1}@{plan.slug}.example",
                full_name=f"{rng_name(k)} (practitioner)",
                password=password,
            )
            members.append((user, clinic, Membership.Role.PRACTITIONER))
        admin = User(
            email=f"admin@{plan.slug}.example", full_name="Clinic Admin", password=password
        )
        members.append((admin, clinic, Membership.Role.CLINIC_ADMIN))
    User.objects.bulk_create([*staff, *(user for user, _, _ in members)])
    memberships = Membership.objects.bulk_create(
        Membership(user=user, clinic=clinic, role=role) for user, clinic, role in members
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Bench phone", confirmed=True, key=TOTP_KEY_HEX)
        for user in [*staff, *(user for user, _, _ in members)]
    )
    practitioners: dict[int, list[Membership]] = {}
    for membership in memberships:
        if membership.role == Membership.Role.PRACTITIONER:
            practitioners.setdefault(membership.clinic_id, []).append(membership)

    users, patient_rows = [], []
    for plan, clinic in zip(plans, clinics, strict=True):
        for n in range(plan.patients):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            last = LAST_NAMES[(n // len(FIRST_NAMES) + n) % len(LAST_NAMES)]
            email = f"patient{n + 1}@{plan.slug}.example"
            joined = now - timedelta(days=max(plan.days, size.long_history_days) + VISIT_EVERY + 2)
            user = User(
                email=email, full_name=f"{first} {last}", password=password, date_joined=joined
            )
            users.append(user)
            team = practitioners[clinic.pk]
            patient_rows.append(
                Patient(
                    clinic=clinic,
                    primary_practitioner=team[n % len(team)],
                    user=user,
                    full_name=user.full_name,
                    email=email,
                    created_at=joined,
                )
            )
    User.objects.bulk_create(users, batch_size=2000)
    patients = Patient.objects.bulk_create(patient_rows, batch_size=2000)
    version = current_safety_version()
    SafetyAcknowledgement.objects.bulk_create(
        (
            SafetyAcknowledgement(patient=p, version=version, acknowledged_at=p.created_at)
            for p in patients
        ),
        batch_size=2000,
    )
    ReminderSettings.objects.bulk_create(
        (
            ReminderSettings(
                patient=p,
                reminders_on=n % 10 < REMINDERS_ON_OF_TEN,
                remind_at=time(7 + (n // 10) % 14, 30 * ((n // 140) % 2)),
                offer_answered_at=p.created_at,
                changed_at=p.created_at,
            )
            for n, p in enumerate(patients)
            if n % 10 < REMINDERS_ON_OF_TEN + REMINDERS_OFF_OF_TEN
        ),
        batch_size=2000,
    )
    return plans, clinics, staff[0], memberships, patients


def rng_name(k: int) -> str:
    return f"{FIRST_NAMES[(k * 7) % len(FIRST_NAMES)]} {LAST_NAMES[(k * 5 + 3) % len(LAST_NAMES)]}"


@transaction.atomic
def load(size: Size = Size(), *, on_step=lambda name, seconds: None) -> dict:
    """Write the data set; returns the manifest (see ``manifest``)."""
    import time as clock

    began = clock.monotonic()

    def step(name: str) -> None:
        nonlocal began
        on_step(name, clock.monotonic() - began)
        began = clock.monotonic()

    now = timezone.now()
    ctx = _context(now)
    # Repeatable data, not secrets: the same seed gives the same data set.
    rng = random.Random(size.seed)  # noqa: S311
    password = make_password(PASSWORD)
    step("content and password")
    plans, clinics, staff, memberships, patients = _people(size, password, now)
    step("clinics, people and authenticators")

    by_clinic = {clinic.pk: plan for plan, clinic in zip(plans, clinics, strict=True)}
    long_history = patients[0]
    days_of = {p.pk: by_clinic[p.clinic_id].days for p in patients}
    days_of[long_history.pk] = size.long_history_days
    todays = {c.pk: timezone.localdate(now, timezone=ZoneInfo(c.time_zone)) for c in clinics}
    # Each patient's last visit, 1 to 27 days ago, and so their first.
    last_visits = {
        p.pk: todays[p.clinic_id] - timedelta(days=rng.randint(1, VISIT_EVERY - 1))
        for p in patients
    }

    def first_visit(p: Patient) -> date:
        visits = max(1, -(-days_of[p.pk] // VISIT_EVERY))
        return last_visits[p.pk] - timedelta(days=VISIT_EVERY * (visits - 1))

    screenings = Screening.objects.bulk_create(
        (
            Screening(
                patient=p,
                recorded_by=p.primary_practitioner.user,
                source=Screening.Source.CLINIC,
                safety_version_number=ctx.version_number,
                taken_at=_at(first_visit(p), 9, 0, ZoneInfo(p.clinic.time_zone)),
            )
            for p in patients
        ),
        batch_size=2000,
    )
    entries = published_contraindications()
    first_answer = (ScreeningAnswer.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    write(
        ScreeningAnswer,
        [
            (first_answer + n, screening.pk, entry.code, entry.question, False, False)
            for n, (screening, entry) in enumerate(
                (screening, entry) for screening in screenings for entry in entries
            )
        ],
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [ScreeningAnswer]):
            cursor.execute(statement)
    step("safety reading and screenings")

    ids = Ids()
    checking_later = _check_links_later()
    for first in range(0, len(patients), BATCH_PATIENTS):
        rows = Rows()
        for patient, screening in zip(
            patients[first : first + BATCH_PATIENTS],
            screenings[first : first + BATCH_PATIENTS],
            strict=True,
        ):
            today = todays[patient.clinic_id]
            history(
                rows,
                ids,
                ctx,
                rng,
                patient_id=patient.pk,
                practitioner_user_id=patient.primary_practitioner.user_id,
                screening_id=screening.pk,
                zone=ZoneInfo(patient.clinic.time_zone),
                today=today,
                days=days_of[patient.pk],
                last_visit=last_visits[patient.pk],
            )
        for model in ORDER:
            write(model, rows.tables.get(model, []))
    Ids.reset()
    step("a year of care (visits, plans, sessions, logs, reports, feedback)")
    if checking_later:
        check_links()
        step("every link checked")
    # As the worker keeps them (review.refresh_flags): the patient list's
    # stored flags current, so the benchmark measures the list, not the
    # first catch-up of thousands of flags.
    refresh_stale_flags(now)
    step("the patient list's flags stored")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("ANALYZE")
    return manifest(plans, clinics, staff, memberships, patients, long_history)


def _check_links_later() -> bool:
    """On PostgreSQL as a superuser, skip the row-by-row foreign-key triggers
    for this transaction (as a restore does): ``check_links`` then checks
    every link of the written tables in one query each, far faster than a
    million deferred checks at commit. Returns whether they were skipped."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False  # not a superuser: the triggers check each row as usual
    return True


def check_links() -> None:
    """Raise if a row written here points at a row that is not there."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in ORDER:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                # Table and column names from the models, quoted; no outside text.
                cursor.execute(
                    f"SELECT count(*) FROM {quote(model._meta.db_table)} c "  # noqa: S608
                    f"LEFT JOIN {quote(target.db_table)} t "
                    f"ON c.{quote(field.column)} = t.{quote(target.pk.column)} "
                    f"WHERE c.{quote(field.column)} IS NOT NULL "
                    f"AND t.{quote(target.pk.column)} IS NULL"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    raise RuntimeError(
                        f"{missing} {model._meta.label} rows point at no {target.label} "
                        f"({field.name})."
                    )


def manifest(plans, clinics, staff, memberships, patients, long_history) -> dict:
    """What the load test and the benchmarks read: who to sign in as, and where."""
    scaling = {}
    for plan, clinic in zip(plans, clinics, strict=True):
        if plan.scaling is None:
            continue
        member = next(
            m
            for m in memberships
            if m.clinic_id == clinic.pk and m.role == Membership.Role.PRACTITIONER
        )
        patient = next(p for p in patients if p.clinic_id == clinic.pk)
        scaling[str(plan.scaling)] = {
            "clinic_id": clinic.pk,
            "practitioner_email": member.user.email,
            "patient_email": patient.email,
            "patient_id": patient.pk,
        }
    return {
        "password": PASSWORD,
        "totp_key_hex": TOTP_KEY_HEX,
        "staff_email": staff.email,
        "clinics": [
            {"id": c.pk, "name": c.name, "patients": p.patients, "scaling": p.scaling is not None}
            for p, c in zip(plans, clinics, strict=True)
        ],
        "practitioners": [
            {"email": m.user.email, "clinic_id": m.clinic_id}
            for m in memberships
            if m.role == Membership.Role.PRACTITIONER
        ],
        "clinic_admins": [
            {"email": m.user.email, "clinic_id": m.clinic_id}
            for m in memberships
            if m.role == Membership.Role.CLINIC_ADMIN
        ],
        "patients": [{"email": p.email, "id": p.pk, "clinic_id": p.clinic_id} for p in patients],
        "scaling": scaling,
        "long_history_patient": {"email": long_history.email, "id": long_history.pk},
    }


def row_counts() -> dict[str, int]:
    """Rows per table the data set fills, as the database has them now."""
    counted: Iterable[type[models.Model]] = (
        Clinic, User, Membership, TOTPDevice, Patient, SafetyAcknowledgement, ReminderSettings,
        Screening, ScreeningAnswer, *ORDER,
    )  # fmt: skip
    return {model._meta.label: model.objects.count() for model in counted}
