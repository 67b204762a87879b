"""What went out between visits, so that each goes once, and the calendar feeds.

``SentReminder`` and ``SentDigest`` are written in the same transaction as
the email they stand for; their unique constraints are what makes a
reminder go once per patient per planned day however many workers scan.
"""

from django.db import models
from django.utils import timezone

from accounts.models import Membership, Patient
from clinic.notifications.models import OutgoingEmail


class ReminderKind(models.TextChoices):
    DAILY = "daily", "Daily reminder"
    NUDGE = "nudge", "Missed-session nudge"


class SentReminder(models.Model):
    """One reminder email to one patient.

    ``day`` is the planned day the daily reminder was for; for a nudge it is
    the first missed session of the run it is about, so one run of missed
    sessions brings one nudge however long it lasts.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    day = models.DateField()
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint("patient", "kind", "day", name="sent_reminder_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values), name="sent_reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class SentDigest(models.Model):
    """One practitioner's daily digest; ``day`` is the clinic's local date."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint("membership", "day", name="sent_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest {self.pk}"


class CalendarFeed(models.Model):
    """A patient's private calendar feed.

    The feed's address carries a signature of the patient's id and
    ``secret``; resetting the feed replaces ``secret``, after which the old
    address answers 404. The database alone (without the site's secret key)
    is not enough to build a working address.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"
