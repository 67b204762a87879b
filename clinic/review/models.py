from django.db import models

from accounts.models import Patient


class StoredFlag(models.Model):
    """Whether the patient list flags the patient, as worked out
    (``clinic.review.queries.annotate_flagged``) for their ``day``, the
    published safety version and their ``care_version``; out of date as soon
    as any of the three moves on (``clinic.review.flags``). The list orders,
    filters and counts by it; the rows shown are still reviewed in full."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="stored_flag"
    )
    flagged = models.BooleanField()
    day = models.DateField(help_text="The patient's own date the flag is for.")
    safety_version = models.PositiveIntegerField(help_text="0 when none was published.")
    care_version = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"Patient #{self.patient_id}: {'flagged' if self.flagged else 'not flagged'}"
