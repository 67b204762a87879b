"""Safety screening: the patient's own safety questions, the same questions
asked in clinic, and a practitioner confirming an answer the patient took
back."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.access import clinic_patient, own_patient_record, scoped_or_404
from accounts.audit import Actor
from accounts.clock import patient_today
from accounts.errors import sentence
from accounts.models import AuditEvent
from clinic.plans import gate
from clinic.plans.errors import ScreeningRefused
from clinic.plans.forms import ScreeningForm
from clinic.plans.models import Plan, PlanStatus, Screening
from clinic.plans.queries import current_plan, gate_for, gate_for_plan, latest_screening
from clinic.plans.screening import confirm_withdrawal, record_screening
from mats.services import current_safety_version, needs_acknowledgement


@require_http_methods(["GET", "POST"])
def safety_questions(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    version = current_safety_version()
    form = ScreeningForm.for_version(_posted(request), version)
    if not form.entries:
        return redirect("patient-home")
    if form.asked_older_questions(version):
        messages.info(
            request, "The questions changed while you were answering. Please answer these ones."
        )
        return redirect("safety-questions")
    if form.is_bound and form.is_valid():
        _, started = _record(request, patient, form, Screening.Source.PATIENT)
        _thank(request, patient, started)
        return redirect("patient-home")
    return render(
        request,
        "plans/safety_questions.html",
        {"patient": patient, "form": form, "screening": latest_screening(patient)},
    )


def _thank(request, patient, started: Plan | None) -> None:
    plan = current_plan(patient)
    outcome, _ = gate_for_plan(plan) if plan else gate_for(patient)
    if outcome.verdict is gate.Verdict.BLOCKED:
        messages.warning(
            request,
            "Thank you. One of your answers means the mat may not be safe for you just now. "
            "Please do not use it, and speak to your practitioner.",
        )
    elif outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION:
        messages.info(
            request,
            "Thank you. You changed an answer that had stopped your plan, so your "
            "practitioner will check the change with you before it goes on. "
            "Please do not use the mat until then.",
        )
    elif outcome.verdict is gate.Verdict.NEEDS_CLEARANCE:
        messages.info(
            request,
            "Thank you. Your practitioner will look at your answers before you use the mat.",
        )
    elif started is not None or (plan is not None and plan.status == PlanStatus.ACTIVE):
        messages.success(request, "Thank you. Your plan is ready.")
    else:
        messages.success(request, "Thank you. Your answers are saved.")


@require_http_methods(["GET", "POST"])
def patient_screening(request, pk: int):
    patient = clinic_patient(request, pk)
    version = current_safety_version()
    form = ScreeningForm.for_version(_posted(request), version)
    if form.asked_older_questions(version):
        messages.info(
            request,
            "The safety questions changed while this page was open. Please ask these ones.",
        )
        return redirect("patient-screening", patient.pk)
    if form.is_bound and version is not None and form.is_valid():
        _, started = _record(request, patient, form, Screening.Source.CLINIC)
        message = "The answers are saved."
        if started:
            message += " The plan that was waiting for them is now active."
        messages.success(request, message)
        return redirect("patient-detail", patient.pk)
    audit.record(request, AuditEvent.Action.VIEW, patient, clinic_id=patient.clinic_id)
    return render(
        request,
        "plans/screening_form.html",
        {"patient": patient, "form": form, "version": version},
    )


def _posted(request):
    return request.POST if request.method == "POST" else None


def _record(request, patient, form: ScreeningForm, source: str) -> tuple[Screening, Plan | None]:
    return record_screening(
        patient,
        form.answers(),
        source=source,
        recorded_by=request.user,
        today=patient_today(patient),
        actor=Actor.of(request),
    )


@require_POST
def screening_confirm(request, pk: int, screening_pk: int):
    """The practitioner has checked an answer that ruled the mat out and
    that the patient took back, and confirms the change."""
    patient = clinic_patient(request, pk)
    screening = scoped_or_404(
        request, patient.screenings.all(), screening_pk, clinic_id=patient.clinic_id
    )
    try:
        _, started = confirm_withdrawal(
            screening,
            confirmed_by=request.user,
            today=patient_today(patient),
            actor=Actor.of(request),
        )
    except ScreeningRefused as error:
        messages.info(request, sentence(error))
        return redirect("patient-detail", patient.pk)
    plan = current_plan(patient)
    if started:
        message = "The change is confirmed, and the plan that was waiting for it is now active."
    elif plan is not None and plan.status == PlanStatus.PAUSED:
        message = (
            "The change is confirmed. The plan is still paused: resume it on its page "
            "when you are ready."
        )
    else:
        message = "The change is confirmed."
    messages.success(request, message)
    return redirect("patient-detail", patient.pk)
