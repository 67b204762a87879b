"""What each plans page shows, in one call per page: the assignment page
(new or as posted, with its preview and error summary) and a plan's page.

Reads only; the views render what these return.
"""

from datetime import date, datetime, timedelta
from uuid import uuid4

from django.db.models import OuterRef, QuerySet, Subquery, prefetch_related_objects
from django.forms import BaseForm
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans import gate, schedule_display
from clinic.plans.forms import (
    BaseStageFormSet,
    ClearanceForm,
    EndForm,
    ExtendForm,
    PauseForm,
    PlanForm,
    RoutineChoiceForm,
    StageFormSet,
)
from clinic.plans.models import MAX_PLAN_DAYS, Plan, PlanStatus
from clinic.plans.queries import (
    UNREAD,
    current_plan,
    gate_for,
    gate_for_plan,
    template_stages,
)
from clinic.plans.rules import plan_actions
from clinic.visits.models import Appointment
from mats.services import current_safety_version

# Without a booked visit, a plan runs four weeks by default.
DEFAULT_PLAN_DAYS = 28


def assignment_rows(now: datetime) -> QuerySet[Patient]:
    """Patients with the time of their latest visit held and of the next one
    booked, for the access check's query (``accounts.access.clinic_patient``)
    on the assignment page, whose first and last day they suggest."""
    visits = Appointment.objects.filter(patient=OuterRef("pk"))
    return Patient.objects.annotate(
        assign_held=Subquery(visits.past(now).values("starts_at")[:1]),
        assign_booked=Subquery(visits.upcoming(now).values("starts_at")[:1]),
    )


def default_dates(patient: Patient, today: date) -> tuple[date, date]:
    """From the day after the latest visit (not before today) to the day
    before the next booked one. ``patient`` is best read from
    ``assignment_rows``, else the visits are read here."""
    row = patient
    if not hasattr(row, "assign_booked"):
        row = assignment_rows(timezone.now()).get(pk=patient.pk)
    latest, booked = row.assign_held, row.assign_booked
    start = today
    if latest is not None:
        start = max(today, timezone.localdate(latest) + timedelta(days=1))
    end = start + timedelta(days=DEFAULT_PLAN_DAYS - 1)
    if booked is not None and timezone.localdate(booked) > start:
        end = timezone.localdate(booked) - timedelta(days=1)
    return start, min(end, start + timedelta(days=MAX_PLAN_DAYS - 1))


# --- Assigning ---------------------------------------------------------------


def new_assignment_page(patient: Patient, choice: RoutineChoiceForm, *, today: date) -> dict:
    """The assignment page before anything is posted: the chosen routine's
    stages as the routine has them, between the visits."""
    template = choice.cleaned_data["routine"]
    routine_stages = list(template.stages.all()) if template else []
    start, end = default_dates(patient, today)
    form = PlanForm(
        initial={
            "routine": template.slug if template else "",
            "start_date": start,
            "end_date": end,
            "submission_key": uuid4(),
        },
        patient=patient,
        today=today,
    )
    stages = StageFormSet(template_stages=routine_stages)
    preview = None
    if routine_stages:
        preview = schedule_display.planned(template_stages(template), start, end)
    return _assignment_page(patient, choice, form, stages, preview=preview)


def posted_assignment_page(
    patient: Patient,
    form: PlanForm,
    stages: BaseStageFormSet,
    *,
    outcome: gate.GateOutcome,
    clearance: ClearanceForm,
    swap_url: str,
    screening=UNREAD,
    current: Plan | None,
) -> dict:
    """The assignment page as posted (validated): its errors, and the
    schedule it would save or what stops that being shown. ``screening`` is
    the one ``outcome`` was worked out from, ``current`` the current plan,
    as the view read them."""
    choice = RoutineChoiceForm(
        initial={"routine": form.cleaned_data.get("routine")}, swap_url=swap_url
    )
    preview, problems = _preview(form, stages)
    return _assignment_page(
        patient,
        choice,
        form,
        stages,
        preview=preview,
        problems=problems,
        outcome=outcome,
        clearance=clearance,
        screening=screening,
        current=current,
    )


def assignment_preview(form: PlanForm, stages: BaseStageFormSet) -> dict:
    """The schedule part of the posted assignment page (its ``preview``
    partial): the schedule, or what stops it being shown."""
    preview, problems = _preview(form, stages)
    return {"preview": preview, "preview_problems": problems}


def _preview(
    form: PlanForm, stages: BaseStageFormSet
) -> tuple[schedule_display.Schedule | None, list[str] | None]:
    """The schedule the posted form would save, or what stops it being shown."""
    if not stages.template_stages:
        return None, None
    start, end = form.cleaned_data.get("start_date"), form.cleaned_data.get("end_date")
    problems = []
    if not (start and end):
        problems.append("Enter a first and last day that work together.")
    if not stages.is_valid():
        problems.append("Some stage values need fixing.")
    if problems:
        return None, problems
    return schedule_display.planned(stages.as_stages(), start, end), None


def _assignment_page(
    patient: Patient,
    choice: RoutineChoiceForm,
    form: PlanForm,
    stages: BaseStageFormSet,
    *,
    preview: schedule_display.Schedule | None,
    problems: list[str] | None = None,
    outcome: gate.GateOutcome | None = None,
    clearance: ClearanceForm | None = None,
    screening=UNREAD,
    current=UNREAD,
) -> dict:
    if outcome is None or screening is UNREAD:
        outcome_now, screening = gate_for(patient, screening=screening)
        outcome = outcome or outcome_now
    if clearance is None:
        clearance = ClearanceForm(entries=outcome.to_clear)
    return {
        "error_summary": error_summary(form, stages, clearance) if form.is_bound else [],
        "patient": patient,
        "choice": choice,
        "form": form,
        "stages": stages,
        "stage_rows": list(zip(stages.template_stages, stages.forms, strict=True)),
        "has_template": bool(stages.template_stages),
        "preview": preview,
        "preview_problems": problems,
        "outcome": outcome,
        "may_assign": not outcome.blocked,
        "screening": screening,
        "clearance": clearance,
        "safety_version": current_safety_version(),
        "current": current_plan(patient) if current is UNREAD else current,
    }


def error_summary(
    form: PlanForm, stages: BaseStageFormSet, clearance: ClearanceForm
) -> list[tuple[str, str]]:
    """(anchor, message) for every error on the page, stages named by number."""
    items = []

    def add(each: BaseForm, prefix: str = "") -> None:
        for error in each.non_field_errors():
            items.append(("", f"{prefix}{error}"))
        for field in each:
            # The routine is chosen above the form, so its error points there.
            anchor = "choose_routine" if field.is_hidden else field.auto_id
            items.extend((anchor, f"{prefix}{field.label}: {error}") for error in field.errors)

    add(form)
    if stages.is_bound:
        items.extend(("", error) for error in stages.non_form_errors())
    for number, stage_form in enumerate(stages.forms, start=1):
        add(stage_form, f"Stage {number}, ")
    add(clearance)
    return items


# --- A plan's page -----------------------------------------------------------


def plan_page(
    patient: Patient,
    plan: Plan,
    *,
    clearance_form: ClearanceForm | None = None,
    pause_form: PauseForm | None = None,
    end_form: EndForm | None = None,
    extend_form: ExtendForm | None = None,
) -> dict:
    """Everything a plan's page shows: the plan, its stages, clearances and
    days, what stands in its way, and the forms that change it (a posted
    form with its errors in place of the blank one)."""
    # The stages table and the schedule both read them: once.
    prefetch_related_objects([plan], "stages")
    outcome = None
    if plan.status in (PlanStatus.WAITING, PlanStatus.PAUSED):
        # A paused plan shows why it cannot resume yet, if the answers say so.
        outcome, _ = gate_for_plan(plan)
    if plan.is_waiting and clearance_form is None:
        clearance_form = ClearanceForm(entries=outcome.to_clear)
    today = patient_today(patient)
    return {
        "patient": patient,
        "plan": plan,
        "actions": plan_actions(plan, outcome),
        "has_run_out": plan.has_run_out(today),
        "stages": plan.stages.all(),
        "clearances": plan.clearances.select_related("cleared_by"),
        "schedule": _plan_schedule(plan),
        "outcome": outcome,
        "clearance_form": clearance_form if plan.is_waiting else None,
        "pause_form": pause_form or PauseForm(),
        "end_form": end_form or EndForm(),
        "extend_form": extend_form or ExtendForm(initial={"new_end": _suggested_end(plan)}),
    }


def _plan_schedule(plan: Plan) -> schedule_display.Schedule:
    stages = plan.schedule_stages()
    if plan.is_waiting:
        return schedule_display.planned(stages, plan.start_date, plan.end_date)
    return schedule_display.as_written(
        stages, plan.start_date, plan.end_date, plan.last_day, plan.sessions.all()
    )


def _suggested_end(plan: Plan) -> date:
    """The day before the next booked visit, or a week on when there is none
    after the plan's last day."""
    booked = plan.patient.appointments.upcoming().first()
    suggested = timezone.localdate(booked.starts_at) - timedelta(days=1) if booked else None
    if suggested is None or suggested <= plan.end_date:
        suggested = plan.end_date + timedelta(days=7)
    return suggested
