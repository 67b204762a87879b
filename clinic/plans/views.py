"""Plans: assigning one (with a live preview), its page and the changes a
practitioner makes to it, screening in clinic, and confirming an answer
the patient took back.

htmx only swaps parts of these pages: the routine's stages when another
routine is chosen, and the preview while the form is edited. Without
JavaScript the same forms post normally and the page comes back whole.
"""

from datetime import date, timedelta
from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts import audit
from accounts.access import clinic_patient
from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans import gate, schedule_display
from clinic.plans.forms import (
    ClearanceForm,
    EndForm,
    ExtendForm,
    PauseForm,
    PlanForm,
    RoutineChoiceForm,
    StageFormSet,
)
from clinic.plans.models import MAX_PLAN_DAYS, Plan, PlanStatus
from clinic.plans.services import (
    GateRefused,
    assign_plan,
    clear_waiting_plan,
    current_plan,
    end_plan_early,
    extend_plan,
    gate_for,
    pause_plan,
    resume_plan,
    template_stages,
)
from mats.services import (
    current_safety_version,
)

# Without a booked visit, a plan runs four weeks by default.
DEFAULT_PLAN_DAYS = 28


def default_dates(patient: Patient, today: date) -> tuple[date, date]:
    """From the day after the latest visit (not before today) to the day
    before the next booked one."""
    now = timezone.now()
    latest = patient.appointments.past(now).first()
    booked = patient.appointments.upcoming(now).first()
    start = today
    if latest is not None:
        start = max(today, timezone.localdate(latest.starts_at) + timedelta(days=1))
    end = start + timedelta(days=DEFAULT_PLAN_DAYS - 1)
    if booked is not None and timezone.localdate(booked.starts_at) > start:
        end = timezone.localdate(booked.starts_at) - timedelta(days=1)
    return start, min(end, start + timedelta(days=MAX_PLAN_DAYS - 1))


# --- Assigning ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_assign(request, pk: int):
    patient = clinic_patient(request, pk)
    today = patient_today(patient)
    if request.method == "POST":
        response = _assign_post(request, patient, today)
    else:
        response = _assign_get(request, patient, today)
    # The same address answers with the whole page or, for htmx, a part of it.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _assign_get(request, patient: Patient, today: date):
    choice = RoutineChoiceForm(request.GET, swap_url=request.path)
    if not choice.is_valid():
        return HttpResponseBadRequest("That routine could not be found.")
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
    preview = problems = None
    if routine_stages:
        preview = schedule_display.planned(template_stages(template), start, end)
    context = _assign_context(patient, choice, form, stages, preview, problems)
    if request.htmx:
        response = render(request, "plans/plan_form.html#stages", context)
        # The preview listens for this and follows the new routine's stages.
        return trigger_client_event(response, "stages-changed", after="settle")
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return render(request, "plans/plan_form.html", context)


def _assign_post(request, patient: Patient, today: date):
    data = request.POST
    saving = data.get("action", "save") == "save"
    if saving:
        earlier = _plan_for_key(patient, data.get("submission_key"))
        if earlier is not None:
            # The same form posted twice (a double click, a resend): one plan.
            messages.info(request, "This plan was already saved.")
            return redirect("plan-detail", patient.pk, earlier.pk)
    current = current_plan(patient)
    form = PlanForm(data, patient=patient, today=today, replacing=current)
    form_ok = form.is_valid()
    template = form.cleaned_data.get("routine")
    routine_stages = list(template.stages.all()) if template else []
    stages = StageFormSet(data, template_stages=routine_stages)
    stages_ok = stages.is_valid()
    outcome, _ = gate_for(patient)
    clearance = ClearanceForm(data, entries=outcome.to_clear)
    ready = (
        saving
        and outcome.verdict is not gate.Verdict.BLOCKED
        and form_ok
        and stages_ok
        and bool(routine_stages)
        and clearance.is_valid()
    )
    if ready:
        try:
            with transaction.atomic():
                plan, created = assign_plan(
                    patient=patient,
                    template=template,
                    stages=stages.as_stages(),
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    note_for_patient=form.cleaned_data["note_for_patient"],
                    created_by=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                    clearance_reasons=clearance.reasons(),
                    today=today,
                )
                if created:
                    audit.record(request, "create", plan, clinic_id=patient.clinic_id)
        except ValidationError as error:
            form.add_error(None, error)
        except GateRefused as refused:
            # The answers changed since the page was shown: ask again.
            outcome = refused.outcome
            clearance = ClearanceForm(data, entries=outcome.to_clear)
            clearance.is_valid()
        else:
            messages.success(request, _saved_message(patient, plan))
            return redirect("plan-detail", patient.pk, plan.pk)
    preview, problems = _preview(form, stages, routine_stages)
    choice = RoutineChoiceForm(initial={"routine": template}, swap_url=request.path)
    context = _assign_context(patient, choice, form, stages, preview, problems, outcome, clearance)
    if not saving and request.htmx:
        return render(request, "plans/plan_form.html#preview", context)
    return render(request, "plans/plan_form.html", context)


def _plan_for_key(patient: Patient, raw_key: str | None) -> Plan | None:
    try:
        key = UUID(raw_key or "")
    except ValueError:
        return None
    return patient.plans.filter(submission_key=key).first()


def _saved_message(patient: Patient, plan: Plan) -> str:
    if plan.status == PlanStatus.WAITING and gate_for(patient)[0].withdrawn:
        return (
            f"The plan is saved. It starts once you have confirmed the answer "
            f"{patient.full_name} changed, on their page."
        )
    if plan.status == PlanStatus.WAITING:
        return (
            f"The plan is saved. It starts once {patient.full_name} has answered the safety "
            "questions with nothing of concern."
        )
    return f"The plan is saved and {patient.full_name} can see it."


def _preview(form, stages, routine_stages):
    """The schedule the form would save, or what stops it being shown."""
    if not routine_stages:
        return None, None
    problems = []
    start, end = form.cleaned_data.get("start_date"), form.cleaned_data.get("end_date")
    if not (start and end):
        problems.append("Enter a first and last day that work together.")
    if not stages.is_valid():
        problems.append("Some stage values need fixing.")
    if problems:
        return None, problems
    return schedule_display.planned(stages.as_stages(), start, end), None


def _error_summary(form, stages, clearance) -> list[tuple[str, str]]:
    """(anchor, message) for every error on the page, stages named by number."""
    items = []

    def add(each, prefix=""):
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


def _assign_context(
    patient, choice, form, stages, preview, problems, outcome=None, clearance=None
) -> dict:
    outcome_now, screening = gate_for(patient)
    outcome = outcome or outcome_now
    if clearance is None:
        clearance = ClearanceForm(entries=outcome.to_clear)
    template = form["routine"].value()
    return {
        "error_summary": _error_summary(form, stages, clearance) if form.is_bound else [],
        "patient": patient,
        "choice": choice,
        "form": form,
        "stages": stages,
        "stage_rows": list(zip(stages.template_stages, stages.forms, strict=True)),
        "has_template": bool(stages.template_stages),
        "template_slug": template,
        "preview": preview,
        "preview_problems": problems,
        "outcome": outcome,
        "screening": screening,
        "clearance": clearance,
        "safety_version": current_safety_version(),
        "current": current_plan(patient),
    }


# --- A plan's page and its changes -------------------------------------------


def _plan_of(patient: Patient, plan_pk: int) -> Plan:
    return get_object_or_404(patient.plans.select_related("created_by"), pk=plan_pk)


def _plan_schedule(plan: Plan) -> schedule_display.Schedule:
    stages = plan.schedule_stages()
    if plan.status == PlanStatus.WAITING:
        return schedule_display.planned(stages, plan.start_date, plan.end_date)
    return schedule_display.as_written(
        stages, plan.start_date, plan.end_date, plan.last_day, plan.sessions.all()
    )


def _next_booked_day(patient: Patient) -> date | None:
    booked = patient.appointments.upcoming().first()
    return timezone.localdate(booked.starts_at) if booked else None


def _plan_page(request, patient: Patient, plan: Plan, *, status: int = 200, **forms):
    outcome = clearance = None
    if plan.status in (PlanStatus.WAITING, PlanStatus.PAUSED):
        # A paused plan shows why it cannot resume yet, if the answers say so.
        outcome, _ = gate_for(patient, list(plan.clearances.values_list("code", flat=True)))
    if plan.status == PlanStatus.WAITING:
        clearance = forms.get("clearance_form") or ClearanceForm(entries=outcome.to_clear)
    booked = _next_booked_day(patient)
    suggested_end = booked - timedelta(days=1) if booked else plan.end_date + timedelta(days=7)
    if suggested_end <= plan.end_date:
        suggested_end = plan.end_date + timedelta(days=7)
    context = {
        "patient": patient,
        "plan": plan,
        "stages": plan.stages.all(),
        "clearances": plan.clearances.select_related("cleared_by"),
        "schedule": _plan_schedule(plan),
        "today": patient_today(patient),
        "outcome": outcome,
        "clearance_form": clearance,
        "pause_form": forms.get("pause_form") or PauseForm(),
        "end_form": forms.get("end_form") or EndForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(initial={"new_end": suggested_end}),
    }
    return render(request, "plans/plan_detail.html", context, status=status)


@require_GET
def plan_detail(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    audit.record(request, "view", plan, clinic_id=patient.clinic_id)
    return _plan_page(request, patient, plan)


def _changed(request, patient: Patient, plan: Plan, message: str):
    audit.record(request, "update", plan, clinic_id=patient.clinic_id)
    messages.success(request, message)
    return redirect("plan-detail", patient.pk, plan.pk)


def _refused(request, patient: Patient, plan: Plan, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("plan-detail", patient.pk, plan.pk)


@require_POST
def plan_pause(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, patient, plan, pause_form=form)
    try:
        pause_plan(plan, reason=form.cleaned_data["reason"], today=patient_today(patient))
    except ValidationError as error:
        return _refused(request, patient, plan, error)
    return _changed(
        request, patient, plan, "The plan is paused from today. No sessions until you resume it."
    )


@require_POST
def plan_resume(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    try:
        resume_plan(plan, today=patient_today(patient))
    except ValidationError as error:
        return _refused(request, patient, plan, error)
    return _changed(request, patient, plan, "The plan carries on from today.")


@require_POST
def plan_end(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, patient, plan, end_form=form)
    try:
        end_plan_early(plan, reason=form.cleaned_data["reason"], today=patient_today(patient))
    except ValidationError as error:
        return _refused(request, patient, plan, error)
    return _changed(request, patient, plan, "The plan has ended. Past sessions are kept.")


@require_POST
def plan_extend(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            extend_plan(plan, form.cleaned_data["new_end"], today=patient_today(patient))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, patient, plan, error)
            form.add_error(None, error)
        else:
            return _changed(request, patient, plan, "The plan now runs to its new last day.")
    plan.refresh_from_db()
    return _plan_page(request, patient, plan, extend_form=form)


@require_POST
def plan_clear(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(patient, plan_pk)
    if plan.status != PlanStatus.WAITING:
        messages.info(request, "This plan is not waiting for a clearance.")
        return redirect("plan-detail", patient.pk, plan.pk)
    outcome, _ = gate_for(patient, list(plan.clearances.values_list("code", flat=True)))
    form = ClearanceForm(request.POST, entries=outcome.to_clear)
    if not form.is_valid():
        return _plan_page(request, patient, plan, clearance_form=form)
    try:
        with transaction.atomic():
            started = clear_waiting_plan(
                plan, form.reasons(), cleared_by=request.user, today=patient_today(patient)
            )
            audit.record(request, "update", plan, clinic_id=patient.clinic_id)
    except GateRefused:
        messages.error(request, "The patient's answers changed. Please look at them again.")
        return redirect("plan-detail", patient.pk, plan.pk)
    except ValidationError as error:
        return _refused(request, patient, plan, error)
    # "Start the plan" posts no reasons: nothing was cleared, so say only what happened.
    cleared = bool(form.reasons())
    if started and cleared:
        messages.success(request, "Your clearance is recorded and the plan is active.")
    elif started:
        messages.success(request, "Nothing stands in its way any more: the plan is active.")
    elif cleared:
        messages.success(request, "Your clearance is recorded. The plan still waits.")
    else:
        messages.info(request, "The plan still waits for the patient's answers.")
    return redirect("plan-detail", patient.pk, plan.pk)


# --- Screening in clinic -----------------------------------------------------
