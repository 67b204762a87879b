"""A patient's answers to the safety questions, taken online or in clinic.

Answers are keyed by the contraindication's stable ``code`` and keep the
question exactly as it was asked, so that a later rewording never changes
what the patient said yes or no to.

When the patient's own "no" takes back an earlier "yes" to a question that
rules the mat out, the answer is marked (``withdraws_yes``) and the plan is
held until a practitioner confirms the change (``ScreeningConfirmation``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Patient


class Screening(models.Model):
    class Source(models.TextChoices):
        PATIENT = "patient", "Answered by the patient online"
        CLINIC = "clinic", "Recorded in clinic"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="screenings")
    taken_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    safety_version_number = models.PositiveIntegerField(
        help_text="The published safety version whose questions were asked."
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]
        get_latest_by = ["taken_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=["patient", "clinic"]),
                name="screening_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(safety_version_number__gte=1),
                name="screening_safety_version_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk}"

    def answer_map(self) -> dict[str, bool]:
        """``{code: answered yes}`` for every question asked."""
        return {answer.code: answer.answer for answer in self.answers.all()}

    @property
    def is_confirmed(self) -> bool:
        return hasattr(self, "confirmation")

    def unconfirmed_withdrawals(self) -> tuple[str, ...]:
        """The codes whose "no" here takes back an earlier "yes" to an
        absolute contraindication, while no practitioner has confirmed it."""
        codes = tuple(answer.code for answer in self.answers.all() if answer.withdraws_yes)
        # Only a screening that took something back needs the confirmation read.
        if not codes or self.is_confirmed:
            return ()
        return codes


class ScreeningAnswer(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(max_length=60)
    question = models.CharField(max_length=300)
    answer = models.BooleanField(help_text="Yes means the condition applies.")
    withdraws_yes = models.BooleanField(
        default=False,
        help_text="The patient's own no, taking back an earlier yes to a question that rules "
        "the mat out; the plan waits for a practitioner to confirm it.",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("screening", "code", name="screening_answer_once_per_question"),
            models.CheckConstraint(
                condition=models.Q(withdraws_yes=False) | models.Q(answer=False),
                name="screening_answer_only_a_no_withdraws",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {'yes' if self.answer else 'no'}"


class ScreeningConfirmation(models.Model):
    """A practitioner has seen that the patient took back an answer that
    ruled the mat out, and agrees the plan may go on. One per screening."""

    screening = models.OneToOneField(
        Screening, on_delete=models.CASCADE, related_name="confirmation"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self) -> str:
        return f"Confirmation of screening {self.screening_id}"
