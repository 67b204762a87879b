"""Resetting a person's second factor when they have lost their device.

A clinic admin (for practitioners and patients of their own clinic) or
staff (for anyone, in the admin) removes every django-otp device of the
person: their authenticator app, their recovery codes and their passkeys. The person is
told by email, and asked to set a new one up when they next sign in.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit
from accounts.audit import Actor
from accounts.models import AuditEvent, Membership, User


def clinic_id_of(user: User) -> int | None:
    """The clinic a person belongs to (as a member or a patient), if any."""
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.clinic_id
    patient = getattr(user, "patient", None)
    return patient.clinic_id if patient is not None else None


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def with_second_factor(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` annotated with ``has_factor``, in the same query."""
    return users.annotate(
        has_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        | Exists(StaticDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        | Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True))
    )


def clinic_people(clinic_id: int) -> QuerySet[User]:
    """Everyone with an account at the clinic: its members and its patients."""
    return User.objects.filter(
        Q(membership__clinic_id=clinic_id) | Q(patient__clinic_id=clinic_id)
    ).select_related("membership", "patient")


def resettable_by_clinic_admin(admin: Membership, person: User) -> bool:
    """A clinic admin resets practitioners and patients of their own clinic:
    never themselves, another clinic admin or staff (staff do those)."""
    if person.is_staff or person.pk == admin.user_id:
        return False
    membership = getattr(person, "membership", None)
    if membership is not None:
        return (
            membership.clinic_id == admin.clinic_id
            and membership.role == Membership.Role.PRACTITIONER
        )
    patient = getattr(person, "patient", None)
    return patient is not None and patient.clinic_id == admin.clinic_id


def reset_second_factor(person: User, *, actor: Actor, by: str) -> int:
    """Delete all of ``person``'s second-factor devices, audit it and email them.

    ``by`` says who did it, as the person reads it ("a clinic admin at
    Clinic A", "a member of the Mat companion staff"): a role, not a name.
    Returns how many devices went; with none, nothing happens at all. The
    email is stored in this transaction and sent once it commits; it holds
    no code, no link with a secret in it, and no health data.
    """
    with transaction.atomic():
        devices = list(devices_for_user(person, confirmed=None, for_verify=True))
        if not devices:
            return 0  # nothing to reset: no audit row, no email
        for device in devices:
            device.delete()
        removed = len(devices)
        audit.write(
            actor,
            AuditEvent.Action.FACTOR_RESET,
            person,
            clinic_id=clinic_id_of(person),
            count=removed,
        )
        if person.email and person.is_active:
            _tell(person, by)
    return removed


def _tell(person: User, by: str) -> None:
    context = {
        "person": person,
        "by": by,
        "sign_in": settings.SITE_URL + reverse("login"),
        "password_reset": settings.SITE_URL + reverse("password_reset"),
    }
    message = EmailMessage(
        subject="Your second factor on Mat companion was reset",
        body=render_to_string("accounts/email/factor_reset.txt", context),
        to=[person.email],
    )
    message.purpose = "other"  # for staff reading the outbox
    message.send()
