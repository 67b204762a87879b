"""Who people are: users, clinics (the tenants), memberships and patients."""

import hashlib
import secrets
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.text import validate_storable_text


def normalise_email(email: str) -> str:
    """One spelling per address: sign-in and uniqueness ignore letter case."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=normalise_email(username))

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(
        "email address",
        max_length=254,
        unique=True,
        error_messages={"unique": "Someone already uses this email address."},
    )
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Staff can sign in to the admin to curate mat content.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message="Someone already uses this email address.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone, such as Europe/London.")


class Clinic(models.Model):
    """A clinic is the tenant: every patient and plan belongs to exactly one."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="Patients' “today” follows this zone unless they set their own.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The days of the patients who follow the clinic's zone move with it:
        # their stored flags are out of date (``clinic.review.flags``).
        update_fields = kwargs.get("update_fields")
        writes_zone = update_fields is None or "time_zone" in update_fields
        if self._state.adding or not writes_zone:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            before = Clinic.objects.filter(pk=self.pk).values_list("time_zone", flat=True).first()
            super().save(*args, **kwargs)
            if before is not None and before != self.time_zone:
                self.patients.filter(time_zone="").update(
                    care_version=models.F("care_version") + 1, flag_until=FLAG_OUT_OF_DATE
                )


class Membership(models.Model):
    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["practitioner", "clinic_admin"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


# A stored flag holding until this instant is out of date: what every care
# write (``accounts.care``) and a change of zone set ``Patient.flag_until`` to.
FLAG_OUT_OF_DATE = datetime(1970, 1, 1, tzinfo=UTC)
# Written only by the refresh of ``clinic.review.flags`` and by the writers
# that mark the flag out of date, never by a full save of a record read earlier.
FLAG_FIELDS = ("care_version", "flagged", "flag_safety_version", "flag_until")


class Patient(models.Model):
    """A clinic's record of a patient; it exists before the patient has an account."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    primary_practitioner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="patients"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The patient's own zone, for example while travelling; blank follows the clinic.",
    )
    # Raised in the same transaction as every write to the care rows a flag is
    # worked out from (``accounts.care.care_changed``), so a flag stored for an
    # older value is known to be out of date.
    care_version = models.PositiveBigIntegerField(default=0, editable=False)
    # The patient list's flag, stored (``clinic.review.flags``): whether the
    # review flags the patient, as worked out for the published safety
    # version ``flag_safety_version`` (0 for none) and the patient's day,
    # which ends at ``flag_until`` (the next midnight in their zone). A care
    # write or a change of zone sets ``flag_until`` to ``FLAG_OUT_OF_DATE``.
    flagged = models.BooleanField(default=False, editable=False)
    flag_safety_version = models.PositiveIntegerField(default=0, editable=False)
    flag_until = models.DateTimeField(default=FLAG_OUT_OF_DATE, editable=False)

    class Meta:
        ordering = ["full_name"]
        indexes = [
            # Other lists of one clinic's patients in name order.
            models.Index(fields=["clinic", "full_name"], name="patient_clinic_name"),
            # The patient list's page: flagged first, then by name; its counts.
            models.Index(
                fields=["clinic", "-flagged", "full_name", "id"], name="patient_list_order"
            ),
            # The flags out of date: four ranges of these (clinic.review.flags).
            models.Index(
                fields=["clinic", "flag_safety_version", "flag_until"], name="patient_flag_fresh"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "clinic",
                Lower("email"),
                name="patient_email_unique_per_clinic",
                violation_error_message="This clinic already has a patient with that email.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        # A full save of a record read earlier would write back an older care
        # version and stored flag, and make out-of-date flags look current;
        # only ``accounts.care`` and ``clinic.review.flags`` write them.
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name not in FLAG_FIELDS
                ]
            fields = list(fields)
            if "time_zone" in fields and "flag_until" not in fields:
                # Another zone, another day: the flag is worked out again.
                self.flag_until = FLAG_OUT_OF_DATE
                fields.append("flag_until")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)
        if (
            self.primary_practitioner_id
            and self.clinic_id
            and self.primary_practitioner.clinic_id != self.clinic_id
        ):
            raise ValidationError(
                {"primary_practitioner": "The practitioner must work at the same clinic."}
            )

    @property
    def has_account(self) -> bool:
        return self.user_id is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone the patient's days follow: their own if set, else the clinic's."""
        return zoneinfo.ZoneInfo(self.time_zone or self.clinic.time_zone)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(models.Model):
    """A one-time link that lets a patient set a password for their record.

    Only a hash of the token is stored, so a leaked database cannot be used to
    claim anyone's account.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient}"

    @classmethod
    def issue(cls, patient: Patient, created_by=None) -> tuple["Invitation", str]:
        """Create an invitation and return it with the raw token for the link."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = cls.objects.create(
            patient=patient,
            token_hash=_hash_token(token),
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        return invitation, token

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class AuditTrailIsPermanent(Exception):
    """Something tried to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet):
    """Rows are added, never changed or deleted, through the site's manager.

    Django's own cascades use the plain base manager, so deleting a user still
    empties ``actor`` (SET_NULL) and the row stays; deleting a clinic with rows
    is refused (PROTECT).
    """

    def update(self, **kwargs):
        raise AuditTrailIsPermanent("Audit rows cannot be changed.")

    def delete(self):
        raise AuditTrailIsPermanent("Audit rows cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailIsPermanent("Audit rows cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditTrailIsPermanent("Audit rows cannot be changed.")


class AuditEvent(models.Model):
    """Who read or changed which patient record, and when.

    Rows name objects by type and id only: no names, emails or health data
    ever go into the audit trail, so it can be kept and shared with auditors.
    A row is written once: saving it again or deleting it raises
    ``AuditTrailIsPermanent``. The one exception is the ``count`` of a
    refused-sign-in row while its minute lasts (accounts.audit says why).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        INVITE = "invite", "Invited"
        EXPORT = "export", "Exported"
        REFUSE = "refuse", "Refused"
        # A list or search of patients: ``count`` says how many were shown,
        # never who. The object is the clinic.
        LIST = "list", "Listed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        # Sign-ins turned away before any password was checked (the address
        # paused, the machine busy): ``count`` of them from one address in
        # one minute share a row.
        SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        # The person asked to move their account to a new address (the object
        # is the user; the new address is never written here), then
        # confirmed it from the new inbox.
        EMAIL_REQUESTED = "email_requested", "Email change requested"
        EMAIL_CHANGED = "email_changed", "Email changed"
        # Second-factor events; the object is the device (or the user).
        FACTOR_ADDED = "factor_added", "Second factor added"
        FACTOR_REMOVED = "factor_removed", "Second factor removed"
        FACTOR_RESET = "factor_reset", "Second factor reset"
        FACTOR_PASSED = "factor_passed", "Second factor passed"
        FACTOR_FAILED = "factor_failed", "Second factor failed"
        RECOVERY_CODE_USED = "recovery_used", "Recovery code used"
        RECOVERY_CODES_RENEWED = "recovery_renewed", "Recovery codes renewed"
        # The person proved it was them again before a sensitive change.
        CONFIRMED = "confirmed", "Identity confirmed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=60)
    # Empty only where there is no object, e.g. a failed sign-in for an
    # address that belongs to nobody.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=200, blank=True)
    # The client's address as accounts.throttle.client_address reads it.
    address = models.GenericIPAddressField(null=True, blank=True)
    # For LIST: how many patients the page showed.
    count = models.PositiveIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            # Refused sign-ins are counted, one row per address and minute
            # (``at`` is the minute's start): accounts.audit.count_refused_sign_in
            # adds to the row this index finds, in one statement.
            models.UniqueConstraint(
                fields=["address", "at"],
                condition=models.Q(action="sign_in_refused"),
                name="one_refused_sign_in_row_per_address_minute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} #{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsPermanent("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsPermanent("Audit rows cannot be deleted.")


DELETION_MESSAGE_MAX_LENGTH = 500


class DeletionRequest(models.Model):
    """A patient asked their clinic to delete their account.

    The site never deletes anything by itself: the clinic decides (it may
    have to keep clinical records for as long as the law requires) and marks
    the request handled. A patient may withdraw a request while it is open.
    At most one request per patient is open at a time.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="deletion_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(
        max_length=DELETION_MESSAGE_MAX_LENGTH, blank=True, validators=[validate_storable_text]
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(withdrawn_at__isnull=True, handled_at__isnull=True),
                name="deletion_request_one_open_per_patient",
                violation_error_message="This patient already has an open deletion request.",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(handled_at__isnull=True),
                name="deletion_request_withdrawn_or_handled_not_both",
            ),
            models.CheckConstraint(
                condition=models.Q(handled_by__isnull=True) | models.Q(handled_at__isnull=False),
                name="deletion_request_handled_by_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Deletion request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None and self.handled_at is None


class SendingWindow(models.Model):
    """How many emails of one kind went to one address (or on behalf of one
    client address) since ``started_at``: the counts behind
    ``accounts.throttle``.

    ``key`` is a keyed hash of the scope and the address, so the table holds
    no email or network address. One row per scope and key, reused when its
    window has passed; rows a day old are deleted by a periodic job.
    """

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    count = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="sending_window_one_per_key")
        ]

    def __str__(self) -> str:
        return f"Sending window {self.pk}"


class UserSession(AbstractBaseSession):
    """A browser's session, as Django's database sessions keep it, with the
    signed-in user's id in a column of its own: so the session row and the
    person's identity come back from one query (``accounts.session_store``).

    The column is written from the session's data each time the session is
    saved. It has no database constraint: a session saved while its user is
    being deleted must not fail to save (Django's store would read that as a
    taken key and try again for ever); the row then names nobody, and signs
    nobody in. Deleting a user through the ORM deletes their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.session_store import SessionStore

        return SessionStore
