from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.access import clinic_patient, own_patient_record
from accounts.clock import patient_today
from clinic.plans import gate
from clinic.plans.forms import ScreeningForm
from clinic.plans.models import Plan, PlanStatus, Screening
from clinic.plans.services import (
    confirm_withdrawal,
    current_plan,
    gate_for,
    latest_screening,
    record_screening,
)
from mats.services import (
    current_safety_version,
    needs_acknowledgement,
    published_contraindications,
)


@require_http_methods(["GET", "POST"])
def safety_questions(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    version = current_safety_version()
    entries = published_contraindications() if version else ()
    if not entries:
        return redirect("patient-home")
    posting = request.method == "POST"
    posted_version = request.POST.get("version") if posting else None
    if posted_version and posted_version != str(version.number):
        messages.info(
            request, "The questions changed while you were answering. Please answer these ones."
        )
        return redirect("safety-questions")
    form = ScreeningForm(
        request.POST if posting else None, entries=entries, initial={"version": version.number}
    )
    if posting and form.is_valid():
        with transaction.atomic():
            screening, started = record_screening(
                patient,
                form.answers(),
                source=Screening.Source.PATIENT,
                recorded_by=request.user,
                today=patient_today(patient),
            )
            audit.record(request, "create", screening, clinic_id=patient.clinic_id)
            if started:
                audit.record(request, "update", started, clinic_id=patient.clinic_id)
        _thank(request, patient, started)
        return redirect("patient-home")
    return render(
        request,
        "plans/safety_questions.html",
        {"patient": patient, "form": form, "screening": latest_screening(patient)},
    )


def _thank(request, patient, started: Plan | None) -> None:
    plan = current_plan(patient)
    cleared = list(plan.clearances.values_list("code", flat=True)) if plan else []
    outcome, _ = gate_for(patient, cleared)
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
    entries = published_contraindications() if version else ()
    if request.method == "POST" and version is not None:
        posted = request.POST.get("version")
        if posted and posted != str(version.number):
            messages.info(
                request,
                "The safety questions changed while this page was open. Please ask these ones.",
            )
            return redirect("patient-screening", patient.pk)
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        entries=entries,
        initial={"version": version.number if version else None},
    )
    if request.method == "POST" and version is not None and form.is_valid():
        with transaction.atomic():
            screening, started = record_screening(
                patient,
                form.answers(),
                source=Screening.Source.CLINIC,
                recorded_by=request.user,
                today=patient_today(patient),
            )
            audit.record(request, "create", screening, clinic_id=patient.clinic_id)
            if started:
                audit.record(request, "update", started, clinic_id=patient.clinic_id)
        message = "The answers are saved."
        if started:
            message += " The plan that was waiting for them is now active."
        messages.success(request, message)
        return redirect("patient-detail", patient.pk)
    return render(
        request,
        "plans/screening_form.html",
        {"patient": patient, "form": form, "version": version},
    )


@require_POST
def screening_confirm(request, pk: int, screening_pk: int):
    """The practitioner has checked an answer that ruled the mat out and
    that the patient took back, and confirms the change."""
    patient = clinic_patient(request, pk)
    screening = get_object_or_404(patient.screenings, pk=screening_pk)
    try:
        with transaction.atomic():
            confirmation, started = confirm_withdrawal(
                screening, confirmed_by=request.user, today=patient_today(patient)
            )
            audit.record(request, "create", confirmation, clinic_id=patient.clinic_id)
            if started:
                audit.record(request, "update", started, clinic_id=patient.clinic_id)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
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
