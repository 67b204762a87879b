"""Recording a needling visit that was held and, optionally, the next one
booked. The service writes an audit row for each appointment it adds.

Rules:

- a visit is recorded once it has happened (an hour's leeway for clocks);
- the next visit comes after this one and within a year;
- a patient has one appointment at a time (the database backs it).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.errors import Refusals, ServiceError
from accounts.models import Patient
from clinic.visits.models import Appointment

CLOCK_LEEWAY = timedelta(hours=1)
BOOKING_AHEAD = timedelta(days=366)


class VisitRefused(ServiceError):
    """A visit or booking the rules will not record."""


def record_visit(
    patient: Patient,
    *,
    visited_at: datetime,
    note: str = "",
    next_visit_at: datetime | None = None,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> tuple[Appointment, Appointment | None]:
    """The visit held at ``visited_at`` and the next one booked, if any.

    Raises ``Refusals`` with every rule broken: ``visits.in_future``,
    ``visits.next_too_far``, ``visits.next_before_visit`` (each for its form
    field) or ``visits.time_taken``.
    """
    now = now or timezone.now()
    refusals = []
    if visited_at > now + CLOCK_LEEWAY:
        refusals.append(VisitRefused("visits.in_future", field="visited_at"))
    if next_visit_at is not None:
        if next_visit_at > now + BOOKING_AHEAD:
            refusals.append(VisitRefused("visits.next_too_far", field="next_visit_at"))
        if next_visit_at <= visited_at:
            refusals.append(VisitRefused("visits.next_before_visit", field="next_visit_at"))
    times = [t for t in (visited_at, next_visit_at) if t is not None]
    if patient.appointments.filter(starts_at__in=times).exists():
        refusals.append(VisitRefused("visits.time_taken"))
    if refusals:
        raise Refusals(refusals)
    try:
        with transaction.atomic():
            visit = _add(patient, visited_at, note, actor)
            booked = _add(patient, next_visit_at, "", actor) if next_visit_at else None
    except IntegrityError:
        # Another tab recorded the same time a moment ago.
        raise Refusals([VisitRefused("visits.time_taken")]) from None
    return visit, booked


def _add(patient: Patient, starts_at: datetime, note: str, actor: Actor) -> Appointment:
    appointment = Appointment.objects.create(
        patient=patient, starts_at=starts_at, note=note, recorded_by=actor.user
    )
    audit.write(actor, "create", appointment, clinic_id=patient.clinic_id)
    return appointment
