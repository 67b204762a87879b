"""Workflows that touch several account models: inviting and enrolling patients."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import audit, throttle
from accounts.errors import ServiceError
from accounts.models import Invitation, Patient

# A patient asking again within this window gets the link already on its way.
RENEWAL_COOLDOWN = timedelta(minutes=10)
# An unused link that ran out this long ago is deleted. Until then a patient
# who opens it is offered a new one (renew_invitation); after that the link
# is unknown, and the practitioner sends a new invitation from the patient's page.
EXPIRED_INVITATIONS_KEPT = timedelta(days=30)
# At most this many in one transaction; the rest wait for the next turn.
EXPIRED_INVITATIONS_BATCH = 500


class EnrolmentError(ServiceError):
    """The invitation cannot be turned into an account; the code says why."""


def send_invitation(request: HttpRequest, patient: Patient, invited_by=None) -> Invitation:
    """Issue a fresh link for ``patient`` and email it to the address on file.

    Older unused links stop working. Sending only stores the email: the
    default mailer queues it in this transaction and a worker sends it once
    the transaction commits, so a rolled-back request mails no link for an
    invitation the database does not hold, and a mail server that is down
    delays the email (it is retried, then shown to staff) without undoing
    the invitation.
    """
    with transaction.atomic():
        patient.invitations.filter(used_at__isnull=True).delete()
        invitation, token = Invitation.issue(patient, created_by=invited_by)
        link = request.build_absolute_uri(reverse("invitation-accept", args=[token]))
        context = {
            "patient": patient,
            "clinic": patient.clinic,
            "practitioner": patient.primary_practitioner.user,
            "link": link,
            "expires_at": invitation.expires_at,
        }
        message = EmailMessage(
            subject=f"Your mat plan at {patient.clinic.name}: set your password",
            body=render_to_string("accounts/email/invitation.txt", context),
            to=[patient.email],
        )
        message.purpose = "invitation"  # for staff reading the outbox
        message.send()
    return invitation


def renew_invitation(request: HttpRequest, expired: Invitation) -> Invitation | None:
    """Send a new link to the address on file, unless one went out moments ago.

    Returns the new invitation, or None when no new link was issued.
    """
    patient = expired.patient
    recent = patient.invitations.filter(
        created_at__gt=timezone.now() - RENEWAL_COOLDOWN, used_at__isnull=True
    ).exclude(pk=expired.pk)
    if patient.has_account or recent.exists():
        return None
    if throttle.invitation_refusal(request, patient.email) is not None:
        return None
    return send_invitation(request, patient, invited_by=None)


def enrol_patient(token: str, password: str):
    """Turn a valid invitation into a patient account with ``password``.

    Locks the invitation row so that two submissions of the same link create
    one account at most; the second finds the link used.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = (
            Invitation.objects.for_token(token)
            .select_for_update()
            .select_related("patient")
            .first()
        )
        if invitation is None:
            raise EnrolmentError("invitation.not_valid")
        if invitation.is_used or invitation.patient.has_account:
            raise EnrolmentError("invitation.used")
        if invitation.is_expired:
            raise EnrolmentError("invitation.expired")
        patient = invitation.patient
        if User.objects.filter(email__iexact=patient.email).exists():
            raise EnrolmentError("invitation.email_taken")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=patient.email, password=password, full_name=patient.full_name
                )
        except IntegrityError:
            # The same address invited by another clinic, accepted at this very
            # moment: the unique constraint lets one account through.
            raise EnrolmentError("invitation.email_taken") from None
        patient.user = user
        patient.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user


def delete_expired_invitations(now) -> int:
    """Delete invitations never used whose link ran out over 30 days before
    ``now``, each with a "delete" audit row (ids only); return how many.

    A periodic job of the task worker. Safe to run twice, or in two workers at
    once: the rows are locked with SKIP LOCKED before their audit rows are
    written and they are deleted in the same transaction, so a second run finds
    them gone or locked and neither audits nor deletes them again. An
    invitation being accepted is locked too, and one this old is refused anyway.
    """
    with transaction.atomic():
        stale = list(
            Invitation.objects.filter(
                used_at__isnull=True, expires_at__lte=now - EXPIRED_INVITATIONS_KEPT
            )
            .select_related("patient")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:EXPIRED_INVITATIONS_BATCH]
        )
        for invitation in stale:
            audit.write(audit.SYSTEM, "delete", invitation, clinic_id=invitation.patient.clinic_id)
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in stale]).delete()
    return len(stale)
