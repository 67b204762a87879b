"""The reminder scan: the scheduled job ``reminders.send_due``, every minute.

``send_due(now)`` stores every reminder and nudge that has fallen due by
``now`` (and less than two hours ago, see ``timing``) and has not gone yet,
and returns how many emails it stored. The outbox's workers send them.

Who gets what, mirroring what the Today page would show the patient
(``usage.pages.home`` and the view in front of it):

- Only a patient with reminders on and an account that is active.
- The daily reminder: on a day their current, active plan has a session
  they have not ticked off, at their ``remind_at`` in their zone. Nothing
  on rest days, or while the plan waits for screening or a clearance, is
  paused or has ended (those days have no session of an active plan), or
  while the safety gate blocks the mat or waits for a practitioner to
  confirm a taken-back answer.
- The nudge (when ``nudge_on`` too): on the day after the second of two
  planned sessions in a row left undone on the current active plan, at the
  same time; one per run of missed sessions (its ``SentReminder.day`` is
  the run's first missed day), none once today's session is ticked off.
  On a day with a reminder too, the nudge is that day's one email and
  tells of today's session.
- While the patient has not read the current safety guidance (or not
  answered a question published since their screening), the Today page
  sends them there first: the email then says only that something waits
  on the site.

Exactly once, however many workers scan: each email is written in one
transaction with its ``SentReminder`` rows, which are inserted first with
``ON CONFLICT DO NOTHING ... RETURNING`` (PostgreSQL and SQLite alike). A
scan racing another waits on the other's uncommitted rows, then finds them
taken and stores nothing for those patients. Rows are inserted in patient
order, so two scans take their locks in the same order and cannot deadlock.

Set-based, so the number of queries does not grow with the patients
beyond one step per chunk: the distinct zones in use are read first (a
handful), the candidates come from two queries narrowed in SQL by each
zone's dates and wall-clock window (the exact instant is checked here), and
their clinics and practitioners from two more. Then, per chunk of ``CHUNK``
patients and in one transaction: their screening answers, the sent-once
rows, the emails (one INSERT, ``notifications.services.store_batch``), the
rows pointed at their emails; once it commits, one delivery task per
batch of emails (``notifications.tasks.deliver_emails``).

``INSERT ... ON CONFLICT DO NOTHING RETURNING`` needs SQLite 3.35 or later
(PostgreSQL has both).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from accounts.models import Clinic, Membership, Patient
from clinic.notifications.models import OutgoingEmail
from clinic.notifications.services import store_batch
from clinic.plans import gate
from clinic.plans.models import (
    PlannedSession,
    PlanStatus,
    Screening,
    ScreeningAnswer,
    ScreeningConfirmation,
)
from clinic.reminders import timing
from clinic.reminders.emails import reply_to
from clinic.reminders.models import ReminderKind, SentReminder
from clinic.reminders.reminder_email import DAILY, NUDGE, WAITING, Composer, Content, Recipient
from clinic.usage.models import SessionLog
from mats.models import SafetyAcknowledgement, SafetyVersion
from mats.services import current_safety_version

# Patients per transaction: each chunk's rows are written and committed
# together, so a large minute is stored in steps that each hold few locks.
CHUNK = 500

# The zone a patient's days follow (``Patient.zone``), in SQL.
ZONE = Coalesce(NullIf(F("patient__time_zone"), Value("")), F("patient__clinic__time_zone"))
HELD = (gate.Verdict.BLOCKED, gate.Verdict.NEEDS_CONFIRMATION)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def send_due(now: datetime) -> int:
    zones = _zones_in_use()
    if not zones:
        return 0
    version = current_safety_version()
    contraindications = version.snapshot.contraindications if version else ()
    windows = {zone: timing.windows(now, _zone(zone)) for zone in zones}
    due = _due(_daily_candidates(windows, version), _nudge_candidates(windows, version), now=now)
    recipients, composer = _recipients(due), Composer()
    stored = 0
    for start in range(0, len(due), CHUNK):
        chunk = due[start : start + CHUNK]
        stored += _store(chunk, contraindications, composer, recipients, now)
    return stored


# --- Who is due -----------------------------------------------------------------

# What a candidate row carries (``QuerySet.values``: thousands of rows a minute
# are cheaper as tuples than as six model instances each).
FIELDS = (
    "patient_id",
    "date",
    "minutes",
    "position",
    "zone",
    "remind_at",
    "screening_id",
    "acknowledged",
    "confirmed",
    "patient__reminder_settings__changed_at",
    "patient__full_name",
    "patient__user__email",
    "patient__clinic_id",
    "patient__primary_practitioner_id",
)


@dataclass(slots=True)
class Row:
    """A planned session of a patient who may be due, with what the gate and
    the email need; ``missed_first`` on a nudge's row only."""

    patient_id: int
    date: date
    minutes: int
    position: str
    zone: str
    remind_at: time
    screening_id: int | None
    acknowledged: bool
    confirmed: bool
    chosen_at: datetime  # when the patient last changed their reminder settings
    full_name: str
    email: str
    clinic_id: int
    practitioner_id: int
    missed_first: date | None = None


@dataclass
class _Due:
    """One patient's email this scan: the daily reminder for ``day`` (when
    ``today`` is set), the nudge for the run starting ``nudge_day``, or both."""

    row: Row  # the patient and gate facts
    day: date
    today: Row | None = None
    nudge_day: date | None = None

    @property
    def patient_id(self) -> int:
        return self.row.patient_id

    def rows(self) -> list[tuple[str, date]]:
        rows = []
        if self.today is not None:
            rows.append((ReminderKind.DAILY, self.day))
        if self.nudge_day is not None:
            rows.append((ReminderKind.NUDGE, self.nudge_day))
        return rows


def _zones_in_use() -> list[str]:
    return list(
        Patient.objects.filter(reminder_settings__reminders_on=True, user__is_active=True)
        .annotate(zone=Coalesce(NullIf(F("time_zone"), Value("")), F("clinic__time_zone")))
        .order_by()
        .values_list("zone", flat=True)
        .distinct()
    )


def _candidates(version: SafetyVersion | None) -> QuerySet[PlannedSession]:
    """Sessions of active plans of patients with reminders on and an active
    account, not ticked off, with the patient's latest screening and
    whether they read the current safety version."""
    latest_screening = (
        Screening.objects.filter(patient=OuterRef("patient_id"))
        .order_by("-taken_at", "-pk")
        .values("pk")[:1]
    )
    acknowledged = (
        Exists(
            SafetyAcknowledgement.objects.filter(patient=OuterRef("patient_id"), version=version)
        )
        if version is not None
        else Value(True)
    )
    return (
        PlannedSession.objects.filter(
            plan__status=PlanStatus.ACTIVE,
            log__isnull=True,
            patient__reminder_settings__reminders_on=True,
            patient__user__is_active=True,
        )
        .annotate(
            zone=ZONE,
            remind_at=F("patient__reminder_settings__remind_at"),
            screening_id=Subquery(latest_screening),
            acknowledged=acknowledged,
        )
        .annotate(
            confirmed=Exists(
                ScreeningConfirmation.objects.filter(screening=OuterRef("screening_id"))
            )
        )
        .order_by("patient_id", "date")
    )


def _window_filter(windows: dict[str, list[timing.Window]], day_offset: int) -> Q:
    """Rows whose zone, date (the window's day + ``day_offset``) and remind_at
    may be due: a superset, checked exactly in ``_due``."""
    condition = Q(pk__in=[])
    for zone, zone_windows in windows.items():
        for window in zone_windows:
            condition |= Q(
                zone=zone,
                date=window.day + timedelta(days=day_offset),
                remind_at__gte=window.earliest,
                remind_at__lte=window.latest,
            )
    return condition


def _not_sent(kind: str, day: str) -> Exists:
    """No reminder of ``kind`` stored yet for the row's patient and its field ``day``:
    after the first scan of a minute, later ones find nobody to look at twice."""
    return ~Exists(
        SentReminder.objects.filter(patient=OuterRef("patient_id"), kind=kind, day=OuterRef(day))
    )


def _daily_candidates(windows, version) -> list[Row]:
    """Today's sessions still to do, for the daily reminder."""
    sessions = (
        _candidates(version)
        .filter(_window_filter(windows, 0))
        .filter(_not_sent(ReminderKind.DAILY, "date"))
    )
    return [Row(*values) for values in sessions.values_list(*FIELDS)]


def _nudge_candidates(windows, version) -> list[Row]:
    """Yesterday's sessions left undone, the plan's session before them left
    undone too, and the one before that (if any) ticked off: the second miss
    of a run, the day after it, when the run is two long. Today's session not
    ticked off either. ``missed_first`` is the run's first day."""

    def session_before(day: str) -> Subquery:
        return Subquery(
            PlannedSession.objects.filter(plan=OuterRef("plan"), date__lt=OuterRef(day))
            .order_by("-date")
            .values("date")[:1]
        )

    def done(**dates) -> Exists:
        dates = {f"planned_session__{lookup}": OuterRef(day) for lookup, day in dates.items()}
        return Exists(SessionLog.objects.filter(planned_session__plan=OuterRef("plan"), **dates))

    sessions = (
        _candidates(version)
        .filter(patient__reminder_settings__nudge_on=True)
        .filter(_window_filter(windows, -1))
        .annotate(missed_first=session_before("date"))
        .filter(missed_first__isnull=False)
        .filter(_not_sent(ReminderKind.NUDGE, "missed_first"))
        .annotate(before_run=session_before("missed_first"))
        .filter(~done(date="missed_first"), ~done(date__gt="date"))
        .filter(Q(before_run__isnull=True) | done(date="before_run"))
    )
    return [Row(*values) for values in sessions.values_list(*FIELDS, "missed_first")]


def _is_due(row: Row, day: date, now: datetime) -> bool:
    """Whether ``row``'s reminder for ``day`` has come and is not too late.

    A time that had already passed when the patient chose it is not due that
    day: someone who switches reminders on at 10:00 with 08:00 chosen, often
    from the Today page itself, is not sent "your session is waiting" a
    minute later. Their reminders start with the next planned day.
    """
    due = timing.due_at(day, row.remind_at, _zone(row.zone))
    return due >= row.chosen_at and timing.is_due(due, now)


def _due(daily: Iterable[Row], nudges: Iterable[Row], *, now: datetime) -> list[_Due]:
    """The candidates whose exact instant has come, one entry per patient and day."""
    due: dict[tuple[int, date], _Due] = {}
    for row in daily:
        if _is_due(row, row.date, now):
            due[row.patient_id, row.date] = _Due(row, row.date, today=row)
    for row in nudges:
        day = row.date + timedelta(days=1)
        if _is_due(row, day, now):
            entry = due.setdefault((row.patient_id, day), _Due(row, day))
            entry.nudge_day = row.missed_first
    return sorted(due.values(), key=lambda entry: (entry.patient_id, entry.day))


# --- What each gets ------------------------------------------------------------


def _held_or_waiting(entries: list[_Due], contraindications) -> dict[int, bool | None]:
    """Per patient: None when the gate holds the mat (no email), else whether
    the Today page would first send them to the safety guidance or questions."""
    screening_ids = {entry.row.screening_id for entry in entries if entry.row.screening_id}
    answers: dict[int, dict[str, bool]] = {pk: {} for pk in screening_ids}
    withdrawn: dict[int, list[str]] = {pk: [] for pk in screening_ids}
    for screening_id, code, answer, withdraws in ScreeningAnswer.objects.filter(
        screening_id__in=screening_ids
    ).values_list("screening_id", "code", "answer", "withdraws_yes"):
        answers[screening_id][code] = answer
        if withdraws:
            withdrawn[screening_id].append(code)
    # Most patients answered alike: judge each set of answers once.
    judged: dict[tuple, gate.GateOutcome] = {}
    result: dict[int, bool | None] = {}
    for entry in entries:
        row = entry.row
        screening_id = row.screening_id
        # As Screening.unconfirmed_withdrawals(): none once a practitioner confirmed.
        taken_back = () if screening_id is None or row.confirmed else tuple(withdrawn[screening_id])
        said = answers[screening_id] if screening_id else None
        key = (None if said is None else tuple(sorted(said.items())), taken_back)
        if key not in judged:
            # Clearances decide only "needs clearance", which neither holds the
            # Today page nor sends the patient elsewhere, so they are not read.
            judged[key] = gate.check(said, contraindications, (), taken_back)
        outcome = judged[key]
        if outcome.verdict in HELD:
            result[row.patient_id] = None
        else:
            needs_screening = bool(contraindications) and bool(outcome.unasked)
            result[row.patient_id] = not row.acknowledged or needs_screening
    return result


def _recipients(due: list[_Due]) -> dict[int, Recipient]:
    """Each due patient's recipient; the clinics and practitioners (few) read once."""
    clinics = Clinic.objects.in_bulk({entry.row.clinic_id for entry in due})
    practitioners = Membership.objects.select_related("user").in_bulk(
        {entry.row.practitioner_id for entry in due}
    )
    replies: dict[tuple[int, int], tuple[str, ...]] = {}
    recipients = {}
    for entry in due:
        row = entry.row
        pair = (row.clinic_id, row.practitioner_id)
        if pair not in replies:
            patient = Patient(clinic=clinics[pair[0]], primary_practitioner=practitioners[pair[1]])
            replies[pair] = tuple(reply_to(patient))
        recipients[row.patient_id] = Recipient(
            row.patient_id, row.full_name, row.email, clinics[row.clinic_id], replies[pair]
        )
    return recipients


def _content(entry: _Due, kinds: set[str], waiting: bool) -> Content:
    if waiting:
        return Content(WAITING)
    today = entry.today if ReminderKind.DAILY in kinds else None
    minutes = today.minutes if today else None
    position = today.position if today else ""
    template = NUDGE if ReminderKind.NUDGE in kinds else DAILY
    return Content(template, minutes, position)


def _key(patient_id: int, kinds: set[str], entry: _Due) -> str:
    if ReminderKind.DAILY in kinds:
        return f"reminder:{patient_id}:{entry.day.isoformat()}"
    return f"nudge:{patient_id}:{entry.nudge_day.isoformat()}"


# --- Writing, once -------------------------------------------------------------


def _store(
    entries: list[_Due],
    contraindications,
    composer: Composer,
    recipients: dict[int, Recipient],
    now: datetime,
) -> int:
    """Store the emails of one chunk in one transaction; return how many."""
    verdicts = _held_or_waiting(entries, contraindications)
    entries = [entry for entry in entries if verdicts[entry.patient_id] is not None]
    if not entries:
        return 0
    wanted = sorted(
        (entry.patient_id, kind, day) for entry in entries for kind, day in entry.rows()
    )
    with transaction.atomic():
        claimed = _claim(wanted, now)
        if not claimed:
            return 0
        outgoing: list[tuple[_Due, str, Content]] = []
        for entry in entries:
            kinds = {kind for kind, day in entry.rows() if (entry.patient_id, kind, day) in claimed}
            if kinds:
                content = _content(entry, kinds, verdicts[entry.patient_id])
                outgoing.append((entry, _key(entry.patient_id, kinds, entry), content))
        # A key stored before (its sent-once row deleted since) is not stored twice.
        existing = dict(
            OutgoingEmail.objects.filter(key__in=[key for _, key, _ in outgoing]).values_list(
                "key", "pk"
            )
        )
        new = [item for item in outgoing if item[1] not in existing]
        emails = store_batch(
            (composer.message(recipients[entry.patient_id], content), content.purpose, key)
            for entry, key, content in new
        )
        email_of = existing | {email.key: email.pk for email in emails}
        links = []
        for entry, key, _ in outgoing:
            for kind, day in entry.rows():
                row_id = claimed.get((entry.patient_id, kind, day))
                if row_id is not None:
                    links.append((row_id, email_of[key]))
        _link(links)
    return len(emails)


def _link(links: list[tuple[int, int]]) -> None:
    """Point each sent-once row at its email (``bulk_update``: one UPDATE a batch)."""
    SentReminder.objects.bulk_update(
        [SentReminder(pk=row_id, email_id=email_id) for row_id, email_id in links], ["email"]
    )


def _claim(rows: list[tuple[int, str, date]], now: datetime) -> dict[tuple[int, str, date], int]:
    """Insert the sent-once rows, skipping those already there (or being
    written by a racing scan, which this waits for); return the ones this
    transaction inserted, as ``{(patient, kind, day): id}``."""
    if not rows:
        return {}
    ops = connection.ops
    table = ops.quote_name(SentReminder._meta.db_table)
    created_at = ops.adapt_datetimefield_value(now)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = []
    for patient_id, kind, day in rows:
        params += [patient_id, str(kind), ops.adapt_datefield_value(day), created_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (patient_id, kind, day, created_at) VALUES {values} "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING id, patient_id, kind, day",
            params,
        )
        returned = cursor.fetchall()
    return {
        (patient_id, kind, day if isinstance(day, date) else date.fromisoformat(day)): row_id
        for row_id, patient_id, kind, day in returned
    }
