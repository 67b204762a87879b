"""What the practitioner's patient list and patient page show, each from one
call: ``patient_list_page`` (search, filters, flagged patients first,
pagination, in a fixed number of queries) and ``patient_page`` (visits,
plans, the screening history, what needs attention, the account, the
safety guidance read and an open request to delete the account)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Clinic, DeletionRequest, Invitation, Membership, Patient
from clinic.notifications.models import ReminderSettings
from clinic.patients.forms import NEEDS_ATTENTION, NO_CURRENT_PLAN
from clinic.plans.models import Plan, PlanStatus, Screening, ScreeningAnswer
from clinic.reminders.queries import ReminderLine, last_reminder_sent, reminder_line
from clinic.review.attention import Attention, answers_with_clearance, attention_for
from clinic.review.flags import refresh_stale
from clinic.review.queries import annotate_for_review, attach_reviews
from clinic.usage.models import SideEffectReport
from clinic.visits.models import Appointment
from mats.models import SafetyAcknowledgement, SafetyVersion
from mats.services import current_safety_version, highest_version_read

PATIENTS_PER_PAGE = 25
# The patient's page lists this many of their latest answers to the safety questions.
SCREENINGS_SHOWN = 20
PAST_VISITS_SHOWN = 10
PLANS_SHOWN = 10

# Where a patient's current plan stands, as the list says it.
ACTIVE, ACTIVE_PAST_END, WAITING_FOR_CLEARANCE, WAITING_FOR_SCREENING, PAUSED, NO_PLAN = (
    "active",
    "active_past_end",  # still active, though its last day has gone by
    "waiting_for_clearance",
    "waiting_for_screening",
    "paused",
    "none",
)
# Which safety guidance a patient has read.
NOTHING_PUBLISHED, READ_CURRENT, READ_OLDER, NOT_READ = (
    "nothing_published",
    "current",
    "older",
    "not_read",
)


def plan_state(
    status: str | None, last_day: date | None, needs_clearance: bool, today: date
) -> str:
    """One of the states above, from the current plan's status and last day."""
    if status == PlanStatus.ACTIVE:
        return ACTIVE_PAST_END if last_day < today else ACTIVE
    if status == PlanStatus.WAITING:
        return WAITING_FOR_CLEARANCE if needs_clearance else WAITING_FOR_SCREENING
    if status == PlanStatus.PAUSED:
        return PAUSED
    return NO_PLAN


def safety_read(version_read: int | None, current: SafetyVersion | None) -> str:
    """Whether the highest version the patient read is the one published now."""
    if current is None:
        return NOTHING_PUBLISHED
    if version_read is None:
        return NOT_READ
    return READ_CURRENT if version_read == current.number else READ_OLDER


# --- The list --------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientRow:
    """A patient as ``annotate_for_review`` and ``attach_reviews`` left them
    (``review``, ``flags``, ``last_session``, ``visit_when``, ...) and what the
    list says about their plan and the safety guidance."""

    patient: Patient
    plan_state: str
    safety_read: str


@dataclass(frozen=True)
class PatientListPage:
    clinic: Clinic
    rows: Page  # of PatientRow, flagged patients first
    flagged: int  # among everyone the search found
    query: str
    status: str
    show: str
    safety_version: SafetyVersion | None

    @property
    def filtered(self) -> bool:
        return bool(self.query or self.status or self.show)


class _CountedPaginator(Paginator):
    """A paginator told its count, read with the flagged count in one query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def patient_list_page(
    membership: Membership,
    *,
    query: str = "",
    status: str = "",
    show: str = "",
    page_number: int = 1,
    now: datetime,
) -> PatientListPage:
    """The clinic's patients whose name contains ``query``, with that plan
    ``status`` (or ``NO_CURRENT_PLAN``), everyone or the flagged only.

    The database searches, filters, counts, puts the flagged first (by the
    flags stored on the patients' rows, ``clinic.review.flags``, first
    bringing up to date those that are not: usually none or a few, all of a
    zone's patients after its midnight) and cuts the page, through the index
    ``patient_list_order``; only the page's patients are read in full and
    reviewed in Python, so the cost of a page hardly grows with the clinic."""
    clinic = membership.clinic
    refresh_stale(clinic, now)
    found = Patient.objects.filter(clinic_id=membership.clinic_id)
    if query:
        found = found.filter(full_name__icontains=query)
    if status:
        current = Plan.objects.current().filter(patient=OuterRef("pk"))
        found = found.alias(plan_status=Subquery(current.values("status")[:1]))
        if status == NO_CURRENT_PLAN:
            found = found.filter(plan_status__isnull=True)
        else:
            found = found.filter(plan_status=status)
    # One query for both counts: an index-only scan of the clinic's entries.
    counts = found.aggregate(everyone=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    if show == NEEDS_ATTENTION:
        # All flagged: name order alone, so the flags are worked out once a row.
        ordered = found.filter(flagged=True).order_by("full_name", "pk")
    else:
        ordered = found.order_by("-flagged", "full_name", "pk")
    ordered = ordered.values_list("pk", flat=True)
    listed = (counts["flagged"] or 0) if show == NEEDS_ATTENTION else counts["everyone"]
    paginator = _CountedPaginator(ordered, PATIENTS_PER_PAGE, count=listed)
    page = paginator.get_page(page_number)
    # The page's patients in full: one query, the page's slice of the order
    # above as its subquery. Their flags in Python say the same as ``flagged``
    # (tests/review/test_flags_in_sql.py), so the page keeps the same order;
    # should a write land between the two reads, the flags shown are the
    # newer ones, and the next request orders by them.
    patients = list(
        annotate_for_review(Patient.objects.filter(pk__in=page.object_list), now)
        .select_related("primary_practitioner__user", "user", "clinic")
        .annotate(safety_version_read=highest_version_read(OuterRef("pk")))
    )
    attach_reviews(patients, now)
    patients.sort(key=lambda patient: (not patient.flags, patient.full_name, patient.pk))
    current = current_safety_version()
    today = timezone.localdate(now)
    rows = [
        PatientRow(
            patient=patient,
            plan_state=plan_state(
                patient.plan_status, patient.plan_end, patient.needs_clearance, today
            ),
            safety_read=safety_read(patient.safety_version_read, current),
        )
        for patient in patients
    ]
    return PatientListPage(
        clinic=clinic,
        rows=Page(rows, page.number, paginator),
        flagged=counts["flagged"] or 0,
        query=query,
        status=status,
        show=show,
        safety_version=current,
    )


# --- One patient -----------------------------------------------------------------------

# Whether an answer taken back (an absolute yes, now no) has been confirmed.
CONFIRMED, WAITING_FOR_CONFIRMATION, SUPERSEDED = "confirmed", "waiting", "superseded"


@dataclass(frozen=True)
class ScreeningRow:
    """One time the patient answered the safety questions, for their page."""

    screening: Screening
    said_yes: list[ScreeningAnswer]
    took_back: list[ScreeningAnswer]  # absolute yes before, their own no now
    # For answers taken back: confirmed, waiting for a confirmation, or
    # superseded (not confirmed, and later answers took their place).
    confirmation: str | None = None


@dataclass(frozen=True)
class PatientPage:
    patient: Patient
    attention: Attention
    upcoming_visits: list[Appointment]
    past_visits: list[Appointment]  # the latest
    plans: list[Plan]  # the latest
    history: list[ScreeningRow]  # latest first
    invitation: Invitation | None  # the latest
    safety_version: SafetyVersion | None
    safety_read: SafetyAcknowledgement | None  # of the highest version they read
    safety_read_state: str
    reminders: ReminderLine
    deletion_request: DeletionRequest | None  # the patient's open request, if any

    @property
    def latest_screening(self) -> ScreeningRow | None:
        return self.history[0] if self.history else None


def patient_page_rows() -> QuerySet[Patient]:
    """Patients with what their page shows one of each, for the access
    check's query (``accounts.access.clinic_patient``): the latest
    invitation, an open request to delete the account, the highest safety
    version read, the reminder settings with when the last reminder went,
    whether a plan is current and whether side effects wait to be seen (only
    then are they read)."""
    invitation = Invitation.objects.filter(patient=OuterRef("pk")).order_by("-created_at")
    deletion = DeletionRequest.objects.filter(
        patient=OuterRef("pk"), withdrawn_at__isnull=True, handled_at__isnull=True
    ).order_by("-requested_at", "-pk")
    read = SafetyAcknowledgement.objects.filter(patient=OuterRef("pk")).order_by("-version__number")
    chosen = ReminderSettings.objects.filter(patient=OuterRef("pk")).order_by("pk")

    def first(rows: QuerySet, name: str) -> Subquery:
        return Subquery(rows.values(name)[:1])

    return Patient.objects.annotate(
        page_invitation=first(invitation, "pk"),
        page_invitation_created=first(invitation, "created_at"),
        page_invitation_expires=first(invitation, "expires_at"),
        page_invitation_used=first(invitation, "used_at"),
        page_deletion=first(deletion, "pk"),
        page_deletion_at=first(deletion, "requested_at"),
        page_deletion_message=first(deletion, "message"),
        page_read=first(read, "pk"),
        page_read_at=first(read, "acknowledged_at"),
        page_read_version=first(read, "version"),
        page_read_number=first(read, "version__number"),
        page_reminders_on=first(chosen, "reminders_on"),
        page_remind_at=first(chosen, "remind_at"),
        page_last_reminder=Subquery(last_reminder_sent(OuterRef("pk"))),
        page_has_plan=Exists(Plan.objects.current().filter(patient=OuterRef("pk"))),
        page_unseen=Exists(SideEffectReport.objects.unseen().filter(patient=OuterRef("pk"))),
    )


def _one_of_each(
    patient: Patient, row: Patient
) -> tuple[Invitation | None, DeletionRequest | None, SafetyAcknowledgement | None, tuple | None]:
    """The rows ``patient_page_rows`` read (``row``), as the page shows them."""
    invitation = deletion = read = chosen = None
    if row.page_invitation is not None:
        invitation = Invitation(
            pk=row.page_invitation,
            patient=patient,
            created_at=row.page_invitation_created,
            expires_at=row.page_invitation_expires,
            used_at=row.page_invitation_used,
        )
    if row.page_deletion is not None:
        deletion = DeletionRequest(
            pk=row.page_deletion,
            patient=patient,
            requested_at=row.page_deletion_at,
            message=row.page_deletion_message,
        )
    if row.page_read is not None:
        read = SafetyAcknowledgement(
            pk=row.page_read,
            patient=patient,
            acknowledged_at=row.page_read_at,
            version=SafetyVersion(pk=row.page_read_version, number=row.page_read_number),
        )
    if row.page_reminders_on is not None:
        chosen = (row.page_reminders_on, row.page_remind_at)
    return invitation, deletion, read, chosen


def _page_row(patient: Patient) -> Patient:
    if hasattr(patient, "page_has_plan"):
        return patient
    return patient_page_rows().get(pk=patient.pk)


def patient_page(patient: Patient, now: datetime) -> PatientPage:
    """The page of ``patient``, best read from ``patient_page_rows``."""
    row = _page_row(patient)
    screenings = _latest_screenings(patient)
    attention = attention_for(
        patient,
        screenings[0] if screenings else None,
        has_current_plan=row.page_has_plan,
        has_unseen_reports=row.page_unseen,
    )
    current = current_safety_version()
    invitation, deletion, read, chosen = _one_of_each(patient, row)
    upcoming, past = _visits(patient, now)
    return PatientPage(
        patient=patient,
        attention=attention,
        upcoming_visits=upcoming,
        past_visits=past,
        plans=list(patient.plans.all()[:PLANS_SHOWN]),
        history=_history_rows(screenings, waiting=attention.to_confirm),
        invitation=invitation,
        safety_version=current,
        safety_read=read,
        safety_read_state=safety_read(read.version.number if read else None, current),
        reminders=reminder_line(patient, chosen=chosen, last_sent_at=row.page_last_reminder),
        deletion_request=deletion,
    )


def _visits(patient: Patient, now: datetime) -> tuple[list[Appointment], list[Appointment]]:
    """The visits booked and the latest ones held, in one query."""
    visits = patient.appointments
    latest_held = visits.past(now).values("pk")[:PAST_VISITS_SHOWN]
    read = visits.filter(Q(starts_at__gt=now) | Q(pk__in=Subquery(latest_held)))
    upcoming = sorted((v for v in read if v.starts_at > now), key=lambda v: (v.starts_at, v.pk))
    past = sorted(
        (v for v in read if v.starts_at <= now), key=lambda v: (v.starts_at, v.pk), reverse=True
    )
    return upcoming, past


def _latest_screenings(patient: Patient) -> list[Screening]:
    """The latest answers first, with who recorded and confirmed them and
    every answer, in two queries."""
    return list(
        patient.screenings.select_related(
            "recorded_by", "confirmation__confirmed_by"
        ).prefetch_related(answers_with_clearance())[:SCREENINGS_SHOWN]
    )


def screening_history(patient: Patient, waiting: Screening | None = None) -> list[ScreeningRow]:
    """The patient's latest answers first, in three queries however many.
    ``waiting`` is the screening whose taken-back answers wait for a confirmation."""
    return _history_rows(_latest_screenings(patient), waiting)


def _history_rows(screenings: list[Screening], waiting: Screening | None) -> list[ScreeningRow]:
    rows = []
    for screening in screenings:
        took_back = [answer for answer in screening.answers.all() if answer.withdraws_yes]
        rows.append(
            ScreeningRow(
                screening=screening,
                said_yes=[answer for answer in screening.answers.all() if answer.answer],
                took_back=took_back,
                confirmation=_confirmation(screening, waiting) if took_back else None,
            )
        )
    return rows


def _confirmation(screening: Screening, waiting: Screening | None) -> str:
    if screening.is_confirmed:
        return CONFIRMED
    if screening == waiting:
        return WAITING_FOR_CONFIRMATION
    return SUPERSEDED
