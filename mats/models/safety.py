"""Safety content and its published versions.

The rows of Contraindication, StopRule and SafetySection are the draft that
content editors work on in the admin. Practitioners and patients only ever
see a SafetyVersion: a numbered, frozen snapshot of those rows made when an
editor publishes (see ``mats.services.publish_safety_version``).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from mats.markdown import validate_safe_markdown
from mats.models.reading import MARKDOWN_HELP
from mats.snapshots import (
    ABSOLUTE,
    RELATIVE,
    ContraindicationEntry,
    SafetySnapshot,
    SectionEntry,
    StopRuleEntry,
)

DRAFT_NOTE = "Changes here are a draft until someone publishes a new safety version."


class SafetyItem(models.Model):
    code = models.SlugField(
        "short code",
        max_length=60,
        unique=True,
        help_text="Stays the same when you reword the item, so that patients can be shown "
        "what changed. Letters, numbers and hyphens.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        abstract = True
        ordering = ["order", "code"]


class Severity(models.TextChoices):
    ABSOLUTE = ABSOLUTE, "Absolute: no plan may start"
    RELATIVE = RELATIVE, "Relative: a practitioner must record a clearance with a reason"


class Contraindication(SafetyItem):
    name = models.CharField(
        max_length=100, help_text="Plain words a patient understands, e.g. “Pregnancy”."
    )
    screening_question = models.CharField(
        max_length=300,
        help_text="Asked to the patient, who answers yes or no. Plain words, no jargon, "
        "phrased so that “yes” means the condition applies.",
    )
    practitioner_explanation = models.TextField(
        "explanation for practitioners",
        help_text="Why it matters and what to weigh before clearing a plan.",
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta(SafetyItem.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values),
                name="contraindication_severity_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def entry(self) -> ContraindicationEntry:
        """This draft row as a published version keeps it."""
        return ContraindicationEntry(
            code=self.code,
            name=self.name,
            question=self.screening_question,
            explanation=self.practitioner_explanation,
            severity=self.severity,
        )


class StopRule(SafetyItem):
    symptom = models.CharField(
        "sign to stop", max_length=120, help_text="What the patient notices, e.g. “Broken skin”."
    )
    what_to_do = models.TextField(
        "what the patient should do now", help_text="Plain, calm steps for the moment it happens."
    )
    pauses_plan = models.BooleanField(
        "pauses the plan",
        default=True,
        help_text="Ticked: the patient's plan is on hold until their practitioner has looked.",
    )

    class Meta(SafetyItem.Meta):
        pass

    def __str__(self) -> str:
        return self.symptom

    def entry(self) -> StopRuleEntry:
        """This draft row as a published version keeps it."""
        return StopRuleEntry(
            code=self.code,
            symptom=self.symptom,
            what_to_do=self.what_to_do,
            pauses_plan=self.pauses_plan,
        )


class SafetySection(SafetyItem):
    """Safety guidance in prose, shown above the lists when patients acknowledge."""

    title = models.CharField(max_length=120)
    body = models.TextField(validators=[validate_safe_markdown], help_text=MARKDOWN_HELP)

    class Meta(SafetyItem.Meta):
        verbose_name = "safety guidance section"

    def __str__(self) -> str:
        return self.title

    def entry(self) -> SectionEntry:
        """This draft row as a published version keeps it."""
        return SectionEntry(code=self.code, title=self.title, body=self.body)


class SafetyVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    change_note = models.TextField(help_text="What changed and why, in words a patient reads.")
    content = models.JSONField(help_text="The safety content exactly as published.")

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="safety_version_number_positive"
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("change_note")), 0),
                name="safety_version_has_change_note",
                violation_error_message="Write a change note.",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety version {self.number}"

    @property
    def snapshot(self) -> SafetySnapshot:
        return SafetySnapshot.from_json(self.content)


class SafetyAcknowledgement(models.Model):
    """A patient confirmed they read one safety version."""

    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="safety_acknowledgements"
    )
    version = models.ForeignKey(
        SafetyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                "patient", "version", name="safety_acknowledgement_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} read {self.version}"
