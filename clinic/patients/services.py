"""Adding a patient to a clinic and inviting them to set a password. Each
service writes its audit row in the same transaction as the change; the
invitation email is stored in that transaction and sent by a worker once it
commits (``send_invitation``)."""

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.errors import ServiceError
from accounts.models import Clinic, Invitation, Membership, Patient, normalise_email
from accounts.services import send_invitation


class PatientRefused(ServiceError):
    """A patient the rules will not add or invite."""


def add_patient(
    clinic: Clinic,
    *,
    full_name: str,
    email: str,
    primary_practitioner: Membership,
    request: HttpRequest,
    actor: Actor = SYSTEM,
) -> tuple[Patient, Invitation]:
    """Add a patient to ``clinic`` and email them an invitation.

    ``request`` only gives the invitation link its address. Refuses a
    practitioner from elsewhere (``patients.practitioner_elsewhere``) and an
    email address the clinic already has (``patients.email_taken``).
    """
    if (
        primary_practitioner.clinic_id != clinic.pk
        or primary_practitioner.role != Membership.Role.PRACTITIONER
    ):
        raise PatientRefused("patients.practitioner_elsewhere", field="primary_practitioner")
    with transaction.atomic():
        try:
            with transaction.atomic():
                patient = Patient.objects.create(
                    clinic=clinic,
                    full_name=full_name,
                    email=normalise_email(email),
                    primary_practitioner=primary_practitioner,
                )
        except IntegrityError:
            # The database keeps one patient per address in a clinic.
            raise PatientRefused("patients.email_taken", field="email") from None
        audit.write(actor, "create", patient, clinic_id=clinic.pk)
        invitation = send_invitation(request, patient, invited_by=actor.user)
    return patient, invitation


def invite_patient(patient: Patient, *, request: HttpRequest, actor: Actor = SYSTEM) -> Invitation:
    """Email the patient a fresh link to set a password; older links stop
    working. Refuses a patient who already has an account
    (``patients.has_account``)."""
    if patient.has_account:
        raise PatientRefused("patients.has_account", name=patient.full_name)
    with transaction.atomic():
        audit.write(actor, "invite", patient, clinic_id=patient.clinic_id)
        return send_invitation(request, patient, invited_by=actor.user)
