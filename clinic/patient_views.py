"""The patient's own pages: settings so far.

Every view starts with ``own_patient_record``: a patient only ever reaches
their own records, and anyone else gets 403.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.access import own_patient_record
from clinic.patient_forms import TimeZoneForm


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
