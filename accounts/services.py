"""Workflows that touch several account models: inviting and enrolling patients."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.errors import ServiceError
from accounts.models import Invitation, Patient

logger = logging.getLogger(__name__)

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


def deliver(message: EmailMessage, what: str) -> bool:
    """Send ``message`` and say whether it went out.

    A mail server that is down must not undo the work around it, so a failure
    is logged rather than raised. The log names ``what`` (ids only) and the
    kind of error but never its text or traceback: an SMTP error can quote
    the recipient's address.
    """
    try:
        message.send()
    except Exception as error:
        logger.error("Could not send %s (%s).", what, type(error).__name__)
        return False
    return True


@dataclass
class InvitationEmail:
    """An invitation and whether its email went out.

    The email leaves only when the surrounding transaction commits, so
    ``sent`` is None until then (and stays None if it rolls back).
    """

    invitation: Invitation
    sent: bool | None = None


def send_invitation(request: HttpRequest, patient: Patient, invited_by=None) -> InvitationEmail:
    """Issue a fresh link for ``patient`` and email it once the transaction commits.

    Older unused links stop working. If the email cannot be sent, the new
    invitation stays and can be sent again; ``sent`` tells the caller.
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
        outcome = InvitationEmail(invitation)

        def send_after_commit() -> None:
            outcome.sent = deliver(message, f"the email for invitation {invitation.pk}")

        # A rolled-back request sends nothing, and no link is mailed for an
        # invitation the database does not hold.
        transaction.on_commit(send_after_commit)
    return outcome


def renew_invitation(request: HttpRequest, expired: Invitation) -> InvitationEmail | None:
    """Send a new link to the address on file, unless one went out moments ago.

    Returns the new invitation's email, or None when no new link was issued.
    """
    patient = expired.patient
    recent = patient.invitations.filter(
        created_at__gt=timezone.now() - RENEWAL_COOLDOWN, used_at__isnull=True
    ).exclude(pk=expired.pk)
    if patient.has_account or recent.exists():
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
