from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.access import clinic_patient
from clinic.visits.forms import VisitForm
from clinic.visits.models import Appointment


@require_http_methods(["GET", "POST"])
def patient_visit_add(request, pk: int):
    patient = clinic_patient(request, pk)
    form = VisitForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            visit = Appointment.objects.create(
                patient=patient,
                starts_at=data["visited_at"],
                note=data["note"],
                recorded_by=request.user,
            )
            if data["next_visit_at"]:
                Appointment.objects.create(
                    patient=patient, starts_at=data["next_visit_at"], recorded_by=request.user
                )
            audit.record(request, "create", visit, clinic_id=patient.clinic_id)
        messages.success(request, "The visit is recorded.")
        return redirect("patient-detail", patient.pk)
    return render(request, "visits/visit_form.html", {"form": form, "patient": patient})
