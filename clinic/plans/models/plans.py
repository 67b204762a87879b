"""Between-visit plans: what a practitioner prescribed, as it was prescribed.

A plan keeps its own copy of the routine (``PlanStage``) and its days
(``PlannedSession``), so editing a template or a position later never
changes a plan a patient is already following. Planned sessions exist for
the days a plan is in force: they are written when it becomes active and
when it is extended or resumed, and only future ones are ever removed (when
it is paused, ended or replaced). Past sessions are never rewritten.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone

from accounts.models import Patient
from clinic.plans.models.screening import Screening
from clinic.plans.schedule import Stage, stage_of
from mats.ladder import MAX_MINUTES, MAX_SESSIONS_PER_WEEK
from mats.models import Clothing, RoutineTemplate, Surface

MAX_PLAN_WEEKS = 26
MAX_PLAN_DAYS = MAX_PLAN_WEEKS * 7
NOTE_FOR_PATIENT_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000


class DaysBetween(models.Func):
    """Whole days from the second date to the first, in plain SQL on both
    databases (so the check constraint needs no function of Django's)."""

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: subtracting one date from another gives a number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class PlanStatus(models.TextChoices):
    WAITING = "waiting_for_screening", "Waiting for screening"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


# A plan in any of these states is the patient's current plan; a patient has
# at most one, so "at most one active plan" holds a fortiori.
CURRENT_STATUSES = (PlanStatus.WAITING, PlanStatus.ACTIVE, PlanStatus.PAUSED)


class PlanQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status__in=CURRENT_STATUSES)


class Plan(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="plans")
    template = models.ForeignKey(
        RoutineTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        help_text="Where the stages were copied from; the plan does not follow later edits.",
    )
    template_name = models.CharField("routine", max_length=100)
    template_slug = models.SlugField(max_length=60)
    start_date = models.DateField("first day")
    end_date = models.DateField("last day")
    status = models.CharField(max_length=25, choices=PlanStatus.choices)
    note_for_patient = models.CharField(max_length=NOTE_FOR_PATIENT_MAX_LENGTH, blank=True)
    screening = models.ForeignKey(
        Screening,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The screening the safety check passed on.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # One per assignment form shown: a second POST of the same form finds the
    # plan the first one made instead of making another.
    submission_key = models.UUIDField(unique=True)
    paused_on = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day the plan was in force; before the first day if it never started.",
    )
    ended_reason = models.CharField(max_length=200, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status__in=CURRENT_STATUSES),
                name="plan_one_current_per_patient",
                violation_error_message="This patient already has a current plan.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="plan_ends_on_or_after_its_first_day",
                violation_error_message="A plan cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(DaysBetween("end_date", "start_date"), MAX_PLAN_DAYS - 1),
                name="plan_at_most_26_weeks",
                violation_error_message=f"A plan can last at most {MAX_PLAN_WEEKS} weeks.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=PlanStatus.ENDED)
                    & models.Q(ended_at__isnull=False)
                    & models.Q(ended_on__isnull=False)
                )
                | (
                    ~models.Q(status=PlanStatus.ENDED)
                    & models.Q(ended_at__isnull=True)
                    & models.Q(ended_on__isnull=True)
                ),
                name="plan_ended_has_an_end",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__lte=models.F("end_date")),
                name="plan_ends_no_later_than_prescribed",
            ),
            models.CheckConstraint(
                condition=(models.Q(status=PlanStatus.PAUSED) & models.Q(paused_on__isnull=False))
                | (~models.Q(status=PlanStatus.PAUSED) & models.Q(paused_on__isnull=True)),
                name="plan_paused_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.status == PlanStatus.WAITING

    @property
    def can_pause(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    def has_run_out(self, today: date) -> bool:
        """Still active, though its last day has passed (the next plan is due)."""
        return self.status == PlanStatus.ACTIVE and self.end_date < today

    def cleared_codes(self) -> list[str]:
        """The contraindications a practitioner has cleared for this plan."""
        return list(self.clearances.values_list("code", flat=True))

    @property
    def last_day(self) -> date:
        """The last day the plan is or was in force."""
        return self.ended_on if self.ended_on is not None else self.end_date

    @property
    def never_started(self) -> bool:
        return self.ended_on is not None and self.ended_on < self.start_date

    @property
    def length_in_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def schedule_stages(self) -> list[Stage]:
        return [stage.as_stage() for stage in self.stages.all()]


def _minutes_in_range(prefix: str):
    return models.Q(**{f"{prefix}__gte": 1}) & models.Q(**{f"{prefix}__lte": MAX_MINUTES})


class PlanStage(models.Model):
    """One stage of the routine as prescribed for this plan, adjustments included."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(help_text="0 for the first stage, in week order.")
    week_from = models.PositiveSmallIntegerField()
    week_to = models.PositiveSmallIntegerField(null=True, blank=True)
    surface = models.CharField(max_length=20, choices=Surface.choices)
    clothing = models.CharField(max_length=20, choices=Clothing.choices)
    minutes_min = models.PositiveSmallIntegerField()
    minutes_max = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    goal = models.CharField(max_length=200, blank=True)
    # Names, not links: renaming or retiring a position later leaves the plan as prescribed.
    positions = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint("plan", "order", name="plan_stage_order_unique"),
            models.UniqueConstraint("plan", "week_from", name="plan_stage_week_unique"),
            models.CheckConstraint(
                condition=models.Q(week_from__gte=1)
                & (models.Q(week_to__isnull=True) | models.Q(week_to__gte=models.F("week_from"))),
                name="plan_stage_weeks_in_order",
            ),
            models.CheckConstraint(
                condition=_minutes_in_range("minutes_min")
                & _minutes_in_range("minutes_max")
                & models.Q(minutes_min__lte=models.F("minutes_max")),
                name="plan_stage_minutes_in_bounds",
                violation_error_message=f"Sessions last between 1 and {MAX_MINUTES} minutes.",
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_per_week__gte=1)
                & models.Q(sessions_per_week__lte=MAX_SESSIONS_PER_WEEK),
                name="plan_stage_sessions_one_to_seven",
                violation_error_message="Plan between 1 and 7 sessions a week.",
            ),
            models.CheckConstraint(
                condition=models.Q(surface__in=Surface.values), name="plan_stage_surface_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(clothing__in=Clothing.values),
                name="plan_stage_clothing_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} stage {self.order}"

    def as_stage(self) -> Stage:
        return stage_of(self, positions=tuple(self.positions))


class PlannedSession(models.Model):
    """One day's session as prescribed. Written once; never rewritten."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    # The patient again, so that the database itself refuses two plans'
    # sessions on one day for one patient.
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="planned_sessions")
    date = models.DateField()
    week = models.PositiveSmallIntegerField(help_text="Plan week, from 1.")
    stage_order = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()
    position = models.CharField(max_length=80, blank=True)
    surface = models.CharField(max_length=20, choices=Surface.choices)
    clothing = models.CharField(max_length=20, choices=Clothing.choices)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint("plan", "date", name="planned_session_once_per_plan_day"),
            models.UniqueConstraint("patient", "date", name="planned_session_once_per_patient_day"),
            models.CheckConstraint(
                condition=_minutes_in_range("minutes") & models.Q(week__gte=1),
                name="planned_session_minutes_in_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"Planned session {self.pk}"


class Clearance(models.Model):
    """A practitioner's reasoned decision that a relative contraindication
    does not stop this plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="clearances")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=100, help_text="The contraindication as published.")
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cleared_at = models.DateTimeField(default=timezone.now)
    safety_version_number = models.PositiveIntegerField()

    class Meta:
        ordering = ["cleared_at", "pk"]
        constraints = [
            models.UniqueConstraint("plan", "code", name="clearance_once_per_plan_and_code"),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("reason")), 0),
                name="clearance_has_a_reason",
                violation_error_message="Give the reason for the clearance.",
            ),
        ]

    def __str__(self) -> str:
        return f"Clearance {self.pk}"
