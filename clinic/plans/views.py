"""Plans: assigning one (with a live preview), its page and the changes a
practitioner makes to it.

htmx only swaps parts of these pages: the routine's stages when another
routine is chosen, and the preview while the form is edited. Without
JavaScript the same forms post normally and the page comes back whole.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts import audit
from accounts.access import clinic_patient, scoped_or_404
from accounts.audit import Actor
from accounts.clock import patient_today
from accounts.errors import Refusals, sentence
from accounts.models import Patient
from clinic.plans import forms
from clinic.plans.errors import GateRefused, PlanRefused
from clinic.plans.models import Plan
from clinic.plans.pages import (
    assignment_preview,
    assignment_rows,
    new_assignment_page,
    plan_page,
    posted_assignment_page,
)
from clinic.plans.queries import (
    UNREAD,
    current_plan,
    gate_for,
    gate_for_plan,
    plan_for_submission,
)
from clinic.plans.services import (
    assign_plan,
    clear_waiting_plan,
    end_plan_early,
    extend_plan,
    pause_plan,
    resume_plan,
)

# --- Assigning ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_assign(request, pk: int):
    patient = clinic_patient(request, pk, assignment_rows(timezone.now()))
    today = patient_today(patient)
    if request.method == "POST":
        response = _assign_post(request, patient, today)
    else:
        response = _assign_get(request, patient, today)
    # The same address answers with the whole page or, for htmx, a part of it.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _assign_get(request, patient: Patient, today: date):
    choice = forms.RoutineChoiceForm(request.GET, swap_url=request.path)
    if not choice.is_valid():
        return HttpResponseBadRequest("That routine could not be found.")
    context = new_assignment_page(patient, choice, today=today)
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
        earlier = plan_for_submission(patient, data.get("submission_key"))
        if earlier is not None:
            # The same form posted twice (a double click, a resend): one plan.
            messages.info(request, "This plan was already saved.")
            return redirect("plan-detail", patient.pk, earlier.pk)
    current = current_plan(patient)
    form = forms.PlanForm(data, patient=patient, today=today, replacing=current)
    form_ok = form.is_valid()
    stages = forms.StageFormSet(data, template_stages=form.routine_stages())
    stages_ok = stages.is_valid()
    if not saving and request.htmx:
        # The schedule alone, as the form is edited: the safety check and the
        # clearances around it show with the whole page, which this leaves as is.
        audit.record(request, "view", patient, clinic_id=patient.clinic_id)
        return render(request, "plans/plan_form.html#preview", assignment_preview(form, stages))
    outcome, screening = gate_for(patient)
    clearance = forms.ClearanceForm(data, entries=outcome.to_clear)
    ready = saving and not outcome.blocked and form_ok and stages_ok and stages.template_stages
    if ready and clearance.is_valid():
        try:
            plan, _ = assign_plan(
                patient=patient,
                template=form.cleaned_data["routine"],
                stages=stages.as_stages(),
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                note_for_patient=form.cleaned_data["note_for_patient"],
                created_by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                clearance_reasons=clearance.reasons(),
                today=today,
                actor=Actor.of(request),
            )
        except Refusals as refusals:
            for error in refusals.errors:
                forms.add_refusal(form, error)
        except GateRefused as refused:
            # The answers changed since the page was shown: ask again.
            outcome, screening = refused.outcome, UNREAD
            clearance = forms.ClearanceForm(data, entries=outcome.to_clear)
            clearance.is_valid()
        except PlanRefused as error:
            forms.add_refusal(form, error)
        else:
            messages.success(request, _saved_message(patient, plan))
            return redirect("plan-detail", patient.pk, plan.pk)
    context = posted_assignment_page(
        patient,
        form,
        stages,
        outcome=outcome,
        clearance=clearance,
        swap_url=request.path,
        screening=screening,
        current=current,
    )
    # Shown again (a preview, or a save that was refused): a read like the GET.
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return render(request, "plans/plan_form.html", context)


def _saved_message(patient: Patient, plan: Plan) -> str:
    if plan.is_waiting and gate_for(patient)[0].withdrawn:
        return (
            f"The plan is saved. It starts once you have confirmed the answer "
            f"{patient.full_name} changed, on their page."
        )
    if plan.is_waiting:
        return (
            f"The plan is saved. It starts once {patient.full_name} has answered the safety "
            "questions with nothing of concern."
        )
    return f"The plan is saved and {patient.full_name} can see it."


# --- A plan's page and its changes -------------------------------------------


def _plan_of(request, patient: Patient, plan_pk: int) -> Plan:
    plans = patient.plans.select_related("created_by")
    return scoped_or_404(request, plans, plan_pk, clinic_id=patient.clinic_id)


@require_GET
def plan_detail(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(request, patient, plan_pk)
    audit.record(request, "view", plan, clinic_id=patient.clinic_id)
    return render(request, "plans/plan_detail.html", plan_page(patient, plan))


@dataclass(frozen=True)
class _Change:
    """A change to a plan from its page: the service that makes it, what to
    say once it is made, and the form that posts its values (if any) with
    the name it has on the page."""

    service: Callable[..., Plan]
    done: str
    form: type[Form] | None = None
    slot: str = ""


PAUSE = _Change(
    pause_plan,
    "The plan is paused from today. No sessions until you resume it.",
    forms.PauseForm,
    "pause_form",
)
RESUME = _Change(resume_plan, "The plan carries on from today.")
END = _Change(
    end_plan_early, "The plan has ended. Past sessions are kept.", forms.EndForm, "end_form"
)
EXTEND = _Change(
    extend_plan, "The plan now runs to its new last day.", forms.ExtendForm, "extend_form"
)


def _change(request, patient: Patient, plan_pk: int, change: _Change):
    """Make ``change`` with the posted values, then go back to the plan's
    page saying so. A form error, or a refusal about one of the form's
    fields, shows the page again with the form; any other refusal is said
    above the page."""
    plan = _plan_of(request, patient, plan_pk)
    form = change.form(request.POST) if change.form else None
    if form is not None and not form.is_valid():
        return _plan_page_with(request, patient, plan, change.slot, form)
    values = form.cleaned_data if form is not None else {}
    try:
        change.service(plan, **values, today=patient_today(patient), actor=Actor.of(request))
    except PlanRefused as error:
        if form is None or error.field not in form.fields:
            messages.error(request, sentence(error))
            return redirect("plan-detail", patient.pk, plan.pk)
        forms.add_refusal(form, error)
        return _plan_page_with(request, patient, plan, change.slot, form)
    messages.success(request, change.done)
    return redirect("plan-detail", patient.pk, plan.pk)


def _plan_page_with(request, patient: Patient, plan: Plan, slot: str, form: Form):
    """The plan's page with a posted form and its errors in place of the blank
    one: a read of the plan, recorded as its GET is."""
    audit.record(request, "view", plan, clinic_id=patient.clinic_id)
    context = plan_page(patient, plan, **{slot: form})
    return render(request, "plans/plan_detail.html", context)


@require_POST
def plan_pause(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    return _change(request, patient, plan_pk, PAUSE)


@require_POST
def plan_resume(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    return _change(request, patient, plan_pk, RESUME)


@require_POST
def plan_end(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    return _change(request, patient, plan_pk, END)


@require_POST
def plan_extend(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    return _change(request, patient, plan_pk, EXTEND)


@require_POST
def plan_clear(request, pk: int, plan_pk: int):
    patient = clinic_patient(request, pk)
    plan = _plan_of(request, patient, plan_pk)
    if not plan.is_waiting:
        messages.info(request, "This plan is not waiting for a clearance.")
        return redirect("plan-detail", patient.pk, plan.pk)
    outcome, _ = gate_for_plan(plan)
    form = forms.ClearanceForm(request.POST, entries=outcome.to_clear)
    if not form.is_valid():
        return _plan_page_with(request, patient, plan, "clearance_form", form)
    try:
        started = clear_waiting_plan(
            plan,
            form.reasons(),
            cleared_by=request.user,
            today=patient_today(patient),
            actor=Actor.of(request),
        )
    except GateRefused:
        messages.error(request, "The patient's answers changed. Please look at them again.")
        return redirect("plan-detail", patient.pk, plan.pk)
    except PlanRefused as error:
        messages.error(request, sentence(error))
        return redirect("plan-detail", patient.pk, plan.pk)
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
