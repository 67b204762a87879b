"""The patient's own pages: the safety questions and settings.

Every view starts with ``own_patient_record``: a patient only ever reaches
their own records, and anyone else gets 403.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.access import own_patient_record
from clinic import gate
from clinic.models import Plan, PlanStatus, Screening
from clinic.patient_forms import TimeZoneForm
from clinic.plan_forms import ScreeningForm
from clinic.services import (
    current_plan,
    gate_for,
    latest_screening,
    patient_today,
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
        "clinic/safety_questions.html",
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
def patient_settings(request):
    patient = own_patient_record(request)
    form = TimeZoneForm(request.POST if request.method == "POST" else None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, "update", patient, clinic_id=patient.clinic_id)
        messages.success(request, "Saved. Your days now follow this time zone.")
        return redirect("patient-home")
    return render(
        request,
        "clinic/patient_settings.html",
        {"patient": patient, "form": form, "now": timezone.localtime(timezone=patient.zone)},
    )
