"""Every email the site sends, from the moment a request asks for it until a
mail server has taken it (or it has failed for good).

A row is written in the request's own transaction, so a request that rolls
back leaves no email behind; the delivery task (``tasks.deliver_email``)
sends it after the commit. Once sent, the bodies are cleared: an invitation
or reset link is a secret that the table need not keep. The row stays, so
staff can see what went out, when, and what failed.
"""

import email.policy
from datetime import time

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Patient


class UnfoldedHeadersEmail(EmailMultiAlternatives):
    """A message whose header lines may run to RFC 5322's limit of 998 characters.

    ``List-Unsubscribe`` is one long URL in angle brackets, with no space to
    fold at: under the usual 78-character limit Python turns it into
    encoded words (``=?utf-8?q?...?=``), which mail apps do not read in that
    header (RFC 2369), so they would show no unsubscribe button.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


class Purpose(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    PASSWORD_RESET = "password_reset", "Password reset"
    SIDE_EFFECT_ALERT = "side_effect_alert", "Side-effect alert"
    REMINDER = "reminder", "Session reminder"
    NUDGE = "nudge", "Missed-session nudge"
    DIGEST = "digest", "Practitioner's daily digest"
    DELETION_REQUEST = "deletion_request", "Account deletion request"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    # One email per event that asked for it (``side-effect-report:<id>``); empty for
    # email that may go more than once, such as a second password reset.
    key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    # Headers the message asked for, such as List-Unsubscribe.
    extra_headers = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a worker took the row for sending; a row in "sending" long after this
    # belongs to a worker that stopped mid-send (``tasks.requeue_stale``).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The error's kind and a short message with every address taken out.
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="outgoing_email_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="outgoing_email_purpose_valid"
            ),
            # Sent means sent at a known time, with the link-bearing bodies gone.
            models.CheckConstraint(
                condition=~Q(status=Status.SENT)
                | Q(sent_at__isnull=False, text_body="", html_body=""),
                name="outgoing_email_sent_is_dated_and_cleared",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status=Status.SENT),
                name="outgoing_email_sent_at_only_when_sent",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENDING) | Q(claimed_at__isnull=False),
                name="outgoing_email_sending_is_claimed",
            ),
            # A failure that staff cannot read the reason for helps nobody.
            models.CheckConstraint(
                condition=~Q(status=Status.FAILED) | ~Q(last_error=""),
                name="outgoing_email_failed_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} email {self.pk}"

    def as_message(self) -> EmailMultiAlternatives:
        """The stored email as Django's message, ready for the outbound mailer."""
        kind = (
            UnfoldedHeadersEmail
            if "List-Unsubscribe" in self.extra_headers
            else EmailMultiAlternatives
        )
        message = kind(
            subject=self.subject,
            body=self.text_body,
            from_email=self.from_email,
            to=self.to,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers=self.extra_headers,
        )
        if self.html_body:
            message.attach_alternative(self.html_body, "text/html")
        return message


# --- Who wants which email ------------------------------------------------------

DEFAULT_REMINDER_TIME = time(8, 0)
DEFAULT_DIGEST_TIME = time(7, 30)


class ReminderSettings(models.Model):
    """The reminder email a patient has chosen.

    No row means the patient has not chosen yet: no reminder goes, and the
    Today page offers to switch them on once. ``remind_at`` is a wall-clock
    time in the zone the patient's days follow (``Patient.zone``), so it
    stays 08:00 across daylight-saving changes. ``reminders_on`` is the
    master switch (what the unsubscribe link turns off); ``nudge_on`` adds
    the one email after two missed sessions in a row while it is on.
    """

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    reminders_on = models.BooleanField(default=False)
    remind_at = models.TimeField(default=DEFAULT_REMINDER_TIME)
    nudge_on = models.BooleanField(default=True)
    # When the patient answered the Today page's offer (yes or not now) or
    # saved their settings; the offer shows while this is empty.
    offer_answered_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings {self.pk}"


class PractitionerNotifications(models.Model):
    """The email a practitioner has chosen; no row means the defaults
    (the side-effect alert on, no digest). ``digest_at`` is a wall-clock
    time in the clinic's zone."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="notification_settings"
    )
    report_alerts = models.BooleanField(default=True)
    digest_on = models.BooleanField(default=False)
    digest_at = models.TimeField(default=DEFAULT_DIGEST_TIME)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "practitioner's notification settings"
        verbose_name_plural = "practitioners' notification settings"

    def __str__(self) -> str:
        return f"Notification settings {self.pk}"
