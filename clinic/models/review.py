"""What the practitioner tells the patient after reviewing their log: a short
message the patient sees on their today page."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from accounts.models import Patient
from clinic.models.plans import Plan
from clinic.text import validate_storable_text

FEEDBACK_MAX_LENGTH = 1000


class Feedback(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="feedback")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="The plan under review when it was written.",
    )
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
