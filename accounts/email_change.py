"""Changing one's own sign-in email address, as most sites do it.

1. ``request_change``: the person (past the sudo moment) asks for a new
   address. A link goes to the NEW address; the page says "we sent a link
   to <new>" whether or not the address already has an account here. If it
   has, the email to it says so and carries no link, so no change can
   complete and the page tells nobody which addresses have accounts.
2. The link carries a signed token (``django.core.signing``): the account,
   the new address and a fingerprint of the account's current email and
   password hash. It works for ``LINK_VALID``; once the email or the
   password changes, the fingerprint no longer matches and every link sent
   before stops working, the one just used included.
3. ``confirm_change``: from the link, signed in as the same person, a
   button (a POST: mail scanners follow links) moves the account. The old
   address is told, with the new one masked, and how to get help.

Nothing is stored for a pending change, so there is nothing to clean up:
the token is the whole request. ``EMAIL_REQUESTED`` and ``EMAIL_CHANGED``
audit rows name the user only, never an address.

A patient's record (``Patient.email``) is the address the clinic knows them
by and invites them at; it follows the sign-in address in the same
transaction, so the clinic never writes to an address the patient left.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import audit, throttle
from accounts.errors import ServiceError
from accounts.integrity import violated_constraint
from accounts.models import AuditEvent, Patient, User, normalise_email

LINK_VALID = timedelta(hours=24)
# A few links an hour per account: a mistyped address can be tried again,
# and a stolen session cannot mail anyone at length.
REQUESTS_PER_USER = throttle.Limit("email_change.user", 3)
SALT = "accounts.email_change"
# The case-blind constraint, and the plain unique column's (PostgreSQL's name for it).
USER_EMAIL_CONSTRAINTS = {"user_email_unique_ignoring_case", "accounts_user_email_key"}
PATIENT_EMAIL_CONSTRAINT = "patient_email_unique_per_clinic"


class EmailChangeRefused(ServiceError):
    """The address cannot be changed (now); the code says why."""


# --- The token ----------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    """Changes whenever the account's email or password does."""
    return salted_hmac(
        SALT, f"{user.pk}\n{user.email}\n{user.password}", algorithm="sha256"
    ).hexdigest()


def make_token(user: User, new_email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "e": new_email, "f": _fingerprint(user)}, salt=SALT, compress=True
    )


def read_token(token: str, user: User) -> str:
    """The new address ``token`` asks ``user`` to move to, or a refusal.

    Checks, in order: the signature, the age, whose link it is, and whether
    it still fits the account (not used, no email or password change since).
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_VALID)
    except signing.SignatureExpired:
        raise EmailChangeRefused("email_change.link_expired", hours=_hours()) from None
    except signing.BadSignature:
        raise EmailChangeRefused("email_change.link_not_valid") from None
    if not isinstance(data, dict) or not all(key in data for key in ("u", "e", "f")):
        raise EmailChangeRefused("email_change.link_not_valid")
    if data["u"] != user.pk:
        raise EmailChangeRefused("email_change.other_account")
    new_email = str(data["e"])
    if not constant_time_compare(str(data["f"]), _fingerprint(user)):
        if normalise_email(user.email) == new_email:
            raise EmailChangeRefused("email_change.link_used", email=new_email)
        raise EmailChangeRefused("email_change.link_stale")
    return new_email


def _hours() -> int:
    return int(LINK_VALID.total_seconds() // 3600)


# --- Who already has the address ----------------------------------------------------------


def _taken_by_account(user: User, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def _patient_of(user: User) -> Patient | None:
    return Patient.objects.filter(user=user).first()


def _taken_in_clinic(patient: Patient | None, email: str) -> bool:
    """Another record of the patient's clinic already has the address."""
    if patient is None:
        return False
    return (
        Patient.objects.filter(clinic_id=patient.clinic_id, email__iexact=email)
        .exclude(pk=patient.pk)
        .exists()
    )


# --- Asking -------------------------------------------------------------------------------


def request_change(user: User, new_email: str, *, actor: audit.Actor) -> None:
    """Send the confirmation link for ``new_email`` (or, if it is someone
    else's, an email saying it cannot be used), audited as requested.

    Refuses the current address (``email_change.same``) and a fourth request
    within the hour (``email_change.limited``, with ``minutes``). The count
    is taken before the address is looked up, so the limit says nothing
    about who has an account.
    """
    new_email = normalise_email(new_email)
    if new_email == normalise_email(user.email):
        raise EmailChangeRefused("email_change.same", field="email")
    refusal = throttle.take(REQUESTS_PER_USER, f"user:{user.pk}")
    if refusal is not None:
        # Like the confirm page's limit, a refusal writes nothing: nothing changed.
        minutes = max(1, math.ceil((refusal.until - timezone.now()).total_seconds() / 60))
        raise EmailChangeRefused(
            "email_change.limited", allowed=REQUESTS_PER_USER.allowed, minutes=minutes
        )
    patient = _patient_of(user)
    with transaction.atomic():
        audit.write(actor, AuditEvent.Action.EMAIL_REQUESTED, user, clinic_id=audit.clinic_of(user))
        if _taken_by_account(user, new_email):
            _send_taken(user, new_email, reason="account")
        elif _taken_in_clinic(patient, new_email):
            _send_taken(user, new_email, reason="clinic")
        else:
            _send_link(user, new_email)


def _send_link(user: User, new_email: str) -> None:
    context = {
        "person": user,
        "new_email": new_email,
        "link": settings.SITE_URL
        + reverse("email-change-confirm", args=[make_token(user, new_email)]),
        "hours": _hours(),
    }
    _send(
        "Confirm your new sign-in address for Mat companion",
        "accounts/email/email_change_link.txt",
        context,
        new_email,
    )


def _send_taken(user: User, new_email: str, *, reason: str) -> None:
    # The person asking may not be this inbox's owner: no name, no link.
    context = {"reason": reason, "sign_in": settings.SITE_URL + reverse("login")}
    _send(
        "This address cannot be used for another Mat companion account",
        "accounts/email/email_change_taken.txt",
        context,
        new_email,
    )


def _send(subject: str, template: str, context: dict, to: str) -> None:
    message = EmailMessage(subject=subject, body=render_to_string(template, context), to=[to])
    message.purpose = "other"  # for staff reading the outbox
    message.send()  # stored in the outbox; the worker sends it after commit


# --- Confirming ---------------------------------------------------------------------------


def confirm_change(user: User, token: str, *, actor: audit.Actor) -> str:
    """Move ``user`` to the address in ``token``; return the new address.

    The account row is locked while it is checked and changed, so the same
    link sent twice at once changes the address once; the second finds the
    fingerprint changed. Two accounts confirming one address at the same
    moment both pass the check; the database's unique constraint lets one
    through and the other hears ``email_change.taken``.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        new_email = read_token(token, user)
        patient = _patient_of(user)
        if _taken_by_account(user, new_email):
            raise EmailChangeRefused("email_change.taken")
        if _taken_in_clinic(patient, new_email):
            raise EmailChangeRefused("email_change.clinic_record_taken")
        old_email = user.email
        try:
            with transaction.atomic():
                user.email = new_email
                user.save(update_fields=["email"])
                if patient is not None:
                    patient.email = new_email
                    patient.save(update_fields=["email"])
        except IntegrityError as error:
            name = violated_constraint(error)
            if name == PATIENT_EMAIL_CONSTRAINT:
                raise EmailChangeRefused("email_change.clinic_record_taken") from None
            if name in USER_EMAIL_CONSTRAINTS or (
                # SQLite names no constraint for a plain unique column: the row
                # now there (committed, or the error would not have come) says it.
                name is None
                and User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
            ):
                raise EmailChangeRefused("email_change.taken") from None
            raise
        audit.write(actor, AuditEvent.Action.EMAIL_CHANGED, user, clinic_id=audit.clinic_of(user))
        if old_email:
            _tell_old_address(user, old_email, new_email, patient)
    return new_email


def masked(email: str) -> str:
    """``jane.doe@example.org`` as ``j***@e***.org``: enough for the owner to
    recognise, too little for a stranger reading the old inbox to use."""
    local, _, domain = email.rpartition("@")
    name, dot, top = domain.rpartition(".")
    if not dot:
        name, top = domain, ""
    shown = f"{local[:1]}***@{name[:1]}***"
    return f"{shown}.{top}" if top else shown


def _tell_old_address(user: User, old_email: str, new_email: str, patient) -> None:
    membership = getattr(user, "membership", None)
    clinic = patient.clinic if patient is not None else membership.clinic if membership else None
    context = {
        "person": user,
        "masked": masked(new_email),
        "clinic": clinic,
    }
    _send(
        "Your Mat companion sign-in address was changed",
        "accounts/email/email_changed_notice.txt",
        context,
        old_email,
    )
