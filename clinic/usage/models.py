"""What the patient did: one log per planned session they ticked off, and
the side effects they reported.

A log hangs off its planned session (one at most, by a unique constraint),
so a double tap, a second tab or a retry can never count a session twice.
A planned session with a log is never deleted (``on_delete=PROTECT``; the
services skip such sessions when they clear days from a plan). Undoing a
check-off deletes the log: adherence counts only the logs that stand.

Side-effect reports keep the stop rules as they were published when the
patient reported them, and stay when a check-off is undone.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from accounts.models import Patient
from accounts.text import validate_storable_text
from clinic.plans.models.plans import Plan, PlannedSession
from mats.ladder import MAX_MINUTES

SCORE_MAX = 10
LOG_NOTE_MAX_LENGTH = 500
SIDE_EFFECT_DETAILS_MAX_LENGTH = 1000


class Sensation(models.TextChoices):
    STINGING = "stinging", "Sharp or stinging"
    WARM = "warm", "Warm"
    TINGLING = "tingling", "Tingling"
    HEAVY = "heavy", "Heavy or pressing"
    RELAXED = "relaxed", "Relaxed"
    SLEEPY = "sleepy", "Sleepy, or dozed off"


def _score_in_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{name}__isnull": True})
        | (models.Q(**{f"{name}__gte": 0}) & models.Q(**{f"{name}__lte": SCORE_MAX})),
        name=f"session_log_{name}_0_to_10",
        violation_error_message=f"Scores go from 0 to {SCORE_MAX}.",
    )


class SessionLog(models.Model):
    """The patient did this planned session; the rest is optional."""

    planned_session = models.OneToOneField(
        PlannedSession, on_delete=models.PROTECT, related_name="log"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    minutes_done = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    relaxation = models.PositiveSmallIntegerField(null=True, blank=True)
    sensations = models.JSONField(
        default=list, blank=True, help_text="Codes from Sensation, in the order offered."
    )
    note = models.CharField(
        max_length=LOG_NOTE_MAX_LENGTH, blank=True, validators=[validate_storable_text]
    )

    class Meta:
        ordering = ["planned_session__date"]
        constraints = [
            _score_in_range("pain_before"),
            _score_in_range("pain_after"),
            _score_in_range("relaxation"),
            models.CheckConstraint(
                condition=models.Q(minutes_done__isnull=True)
                | (models.Q(minutes_done__gte=1) & models.Q(minutes_done__lte=MAX_MINUTES)),
                name="session_log_minutes_in_bounds",
                violation_error_message=f"Minutes go from 1 to {MAX_MINUTES}.",
            ),
        ]

    def __str__(self) -> str:
        return f"Session log {self.pk}"

    @property
    def day(self):
        return self.planned_session.date

    @property
    def minutes(self) -> int:
        """The minutes done if the patient said, else the minutes prescribed."""
        if self.minutes_done is not None:
            return self.minutes_done
        return self.planned_session.minutes

    # A score of 0 ("no pain", "not relaxed at all") is an answer: never test truthiness.

    @property
    def pain_scored(self) -> bool:
        """Pain was scored before or after the session."""
        return self.pain_before is not None or self.pain_after is not None

    @property
    def relaxation_scored(self) -> bool:
        return self.relaxation is not None

    @property
    def has_scores(self) -> bool:
        """Any score given."""
        return self.pain_scored or self.relaxation_scored

    @property
    def has_details(self) -> bool:
        """The patient said how it went. Minutes alone do not count: the timer sends them."""
        return self.has_scores or bool(self.sensations or self.note)

    def sensation_labels(self) -> list[str]:
        return [Sensation(code).label for code in self.sensations if code in Sensation.values]


def _kept_link(to: type[models.Model], related_name: str, help_text: str) -> models.ForeignKey:
    """An optional link to what a record was made with. The record is history:
    it stays, unlinked, if that row goes."""
    return models.ForeignKey(
        to,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class SideEffectReportQuerySet(models.QuerySet):
    def unseen(self):
        return self.filter(seen_at__isnull=True)


class SideEffectReport(models.Model):
    """Something the patient noticed that the stop rules name, or in their words."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="side_effect_reports"
    )
    plan = _kept_link(Plan, "side_effect_reports", "The plan in force when it was reported.")
    session_log = _kept_link(
        SessionLog,
        "side_effect_reports",
        "The session it was reported with; kept if the check-off is undone.",
    )
    day = models.DateField(help_text="The patient's day it is about.")
    reported_at = models.DateTimeField(default=timezone.now)
    # [{"code", "symptom", "what_to_do", "pauses_plan"}] as published at the time.
    symptoms = models.JSONField(default=list, blank=True)
    safety_version_number = models.PositiveIntegerField(null=True, blank=True)
    details = models.CharField(
        "in your own words",
        max_length=SIDE_EFFECT_DETAILS_MAX_LENGTH,
        blank=True,
        validators=[validate_storable_text],
    )
    pauses_plan = models.BooleanField(
        default=False, help_text="A stop rule it named pauses the plan."
    )
    # One per report form shown: a second POST of the same form finds the first report.
    submission_key = models.UUIDField(unique=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = SideEffectReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(symptoms=[]) | ~models.Q(details=""),
                name="side_effect_report_says_something",
                violation_error_message="Choose a sign or describe what happened.",
            ),
            models.CheckConstraint(
                condition=models.Q(seen_by__isnull=True) | models.Q(seen_at__isnull=False),
                name="side_effect_report_seen_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Side-effect report {self.pk}"

    @property
    def is_seen(self) -> bool:
        return self.seen_at is not None

    @property
    def symptom_names(self) -> list[str]:
        return [entry["symptom"] for entry in self.symptoms]


FEEDBACK_MAX_LENGTH = 1000


class Feedback(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="feedback")
    plan = _kept_link(Plan, "feedback", "The plan under review when it was written.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.CharField(max_length=FEEDBACK_MAX_LENGTH, validators=[validate_storable_text])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("message")), 0),
                name="feedback_says_something",
                violation_error_message="Write a message for the patient.",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"
