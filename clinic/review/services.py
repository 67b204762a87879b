"""What the practitioner changes from the review: marking side-effect reports
seen and leaving feedback for the patient. Each service writes its audit row
in the same transaction; views pass ``Actor.of(request)``."""

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.care import care_changed
from accounts.errors import ServiceError
from accounts.models import Patient
from clinic.usage.models import FEEDBACK_MAX_LENGTH, Feedback, SideEffectReport


class ReviewError(ServiceError):
    """A write from the review that the rules refuse."""


def mark_reports_seen(
    patient: Patient,
    only: Collection[int] | None = None,
    *,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> list[SideEffectReport]:
    """The practitioner has read the patient's reports, or just those with the
    pks in ``only`` (the ones on the page they read), so a report that came in
    since stays unseen. Returns the reports that were new; one already seen
    keeps who saw it first."""
    with transaction.atomic():
        unseen = patient.side_effect_reports.unseen()
        if only is not None:
            unseen = unseen.filter(pk__in=only)
        newly_seen = list(unseen.select_for_update())
        SideEffectReport.objects.filter(pk__in=[report.pk for report in newly_seen]).update(
            seen_by=actor.user, seen_at=now or timezone.now()
        )
        if newly_seen:
            care_changed(pk=patient.pk)  # a queryset's update sends no signal
        for report in newly_seen:
            audit.write(actor, "update", report, clinic_id=patient.clinic_id)
    return newly_seen


def leave_feedback(patient: Patient, message: str, *, actor: Actor = SYSTEM) -> Feedback:
    """A message for the patient, who sees the latest one on their Today page.

    It belongs to the plan under way (else the latest plan) and is signed by
    the actor. Refuses an empty message (``review.feedback_empty``) and one
    over ``FEEDBACK_MAX_LENGTH`` characters (``review.feedback_too_long``).
    """
    message = message.strip()
    if not message:
        raise ReviewError("review.feedback_empty", field="message")
    if len(message) > FEEDBACK_MAX_LENGTH:
        raise ReviewError("review.feedback_too_long", field="message", limit=FEEDBACK_MAX_LENGTH)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            patient=patient,
            plan=patient.plans.current().first() or patient.plans.first(),
            author=actor.user,
            message=message,
        )
        audit.write(actor, "create", feedback, clinic_id=patient.clinic_id)
    return feedback
