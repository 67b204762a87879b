"""Adding a patient to a clinic and inviting them to set a password; a
patient's request that the clinic delete their account. Each service writes
its audit row in the same transaction as the change; email is stored in that
transaction and sent by a worker once it commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import audit, throttle
from accounts.audit import SYSTEM, Actor
from accounts.errors import ServiceError
from accounts.integrity import violated_constraint
from accounts.models import (
    DELETION_MESSAGE_MAX_LENGTH,
    Clinic,
    DeletionRequest,
    Invitation,
    Membership,
    Patient,
    normalise_email,
)
from accounts.services import send_invitation
from clinic.notifications.models import Purpose
from clinic.notifications.services import store

# accounts.models.Patient's constraint: one patient per address in a clinic.
EMAIL_UNIQUE_PER_CLINIC = "patient_email_unique_per_clinic"


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
        except IntegrityError as error:
            # Two people adding one address at once both pass the form's
            # check; the database keeps one patient per address in a clinic,
            # and the other hears what the form would have said.
            if violated_constraint(error) != EMAIL_UNIQUE_PER_CLINIC:
                raise
            raise PatientRefused("patients.email_taken", field="email") from None
        audit.write(actor, "create", patient, clinic_id=clinic.pk)
        invitation = send_invitation(request, patient, invited_by=actor.user)
    return patient, invitation


def invite_patient(patient: Patient, *, request: HttpRequest, actor: Actor = SYSTEM) -> Invitation:
    """Email the patient a fresh link to set a password; older links stop
    working. Refuses a patient who already has an account
    (``patients.has_account``), and an invitation over the hourly limits
    for the patient's address (``patients.invitations_to_patient_limited``)
    or for the practitioner's network address
    (``patients.invitations_from_here_limited``)."""
    if patient.has_account:
        raise PatientRefused("patients.has_account", name=patient.full_name)
    refusal = throttle.invitation_refusal(request, patient.email)
    if refusal is not None:
        # About the count that refused, as for a refused password reset: nothing
        # of the patient's was read or changed.
        audit.write(actor, "refuse", refusal.window, clinic_id=patient.clinic_id)
        # In the zone the request has active: the clinic's, for a practitioner.
        until = timezone.localtime(refusal.until)
        if refusal.limit == throttle.INVITATION_PER_EMAIL:
            raise PatientRefused(
                "patients.invitations_to_patient_limited",
                name=patient.full_name,
                count=refusal.limit.allowed,
                until=until,
            )
        raise PatientRefused(
            "patients.invitations_from_here_limited", count=refusal.limit.allowed, until=until
        )
    with transaction.atomic():
        audit.write(actor, "invite", patient, clinic_id=patient.clinic_id)
        return send_invitation(request, patient, invited_by=actor.user)


# --- Asking the clinic to delete an account ---------------------------------------------


def _lock(patient: Patient) -> None:
    """Requests for one patient wait for each other: a double tap makes one request."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()


def request_deletion(patient: Patient, *, message: str = "", actor: Actor = SYSTEM):
    """Record that ``patient`` asks their clinic to delete their account and
    tell the clinic by email (no health data, no message: a link to the
    patient's page). Nothing is deleted here: the clinic decides.

    Refuses while a request is open (``patients.deletion_already_open``) and
    a message over the limit (``patients.deletion_message_too_long``).
    """
    if len(message) > DELETION_MESSAGE_MAX_LENGTH:
        raise PatientRefused(
            "patients.deletion_message_too_long",
            field="message",
            limit=DELETION_MESSAGE_MAX_LENGTH,
        )
    with transaction.atomic():
        _lock(patient)
        if open_deletion_request(patient) is not None:
            raise PatientRefused("patients.deletion_already_open")
        try:
            with transaction.atomic():
                request = DeletionRequest.objects.create(patient=patient, message=message)
        except IntegrityError:
            # The partial unique constraint: one open request per patient.
            raise PatientRefused("patients.deletion_already_open") from None
        audit.write(actor, "create", request, clinic_id=patient.clinic_id)
        _tell_the_clinic(patient, request)
    return request


def _recipients(patient: Patient) -> list[str]:
    """The primary practitioner; the clinic's admins if the practitioner
    cannot sign in any more (or has no address)."""
    practitioner = patient.primary_practitioner.user
    if practitioner.is_active and practitioner.email:
        return [practitioner.email]
    admins = Membership.objects.filter(
        clinic_id=patient.clinic_id,
        role=Membership.Role.CLINIC_ADMIN,
        user__is_active=True,
    ).exclude(user__email="")
    return sorted(admins.values_list("user__email", flat=True))


def _tell_the_clinic(patient: Patient, request: DeletionRequest) -> None:
    to = _recipients(patient)
    if not to:
        # Nobody to email: the notice on the patient's page still shows it.
        return
    context = {
        "clinic": patient.clinic,
        "link": settings.SITE_URL + reverse("patient-detail", args=[patient.pk]),
    }
    message = EmailMessage(
        subject="A patient asks for their account to be deleted",
        body=render_to_string("patients/email/deletion_request.txt", context),
        to=to,
    )
    store(message, purpose=Purpose.DELETION_REQUEST, key=f"deletion-request:{request.pk}")


def open_deletion_request(patient: Patient) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(
        patient=patient, withdrawn_at__isnull=True, handled_at__isnull=True
    ).first()


def _close(patient: Patient, field: str, actor: Actor, **extra) -> DeletionRequest:
    with transaction.atomic():
        _lock(patient)
        request = open_deletion_request(patient)
        if request is None:
            raise PatientRefused("patients.deletion_not_open")
        setattr(request, field, timezone.now())
        for name, value in extra.items():
            setattr(request, name, value)
        request.save(update_fields=[field, *extra])
        audit.write(actor, "update", request, clinic_id=patient.clinic_id)
    return request


def withdraw_deletion_request(patient: Patient, *, actor: Actor = SYSTEM) -> DeletionRequest:
    """The patient takes their open request back. Refuses when none is open
    (``patients.deletion_not_open``)."""
    return _close(patient, "withdrawn_at", actor)


def mark_deletion_handled(patient: Patient, *, actor: Actor = SYSTEM) -> DeletionRequest:
    """The clinic has dealt with the open request (whatever it decided).
    Refuses when none is open (``patients.deletion_not_open``)."""
    return _close(patient, "handled_at", actor, handled_by=actor.user)
