"""Recording a needling visit: access, the form, one call to
``clinic.visits.services.record_visit``, which audits what it writes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.access import clinic_patient
from accounts.audit import Actor
from accounts.errors import Refusals, sentence
from accounts.models import AuditEvent
from clinic.visits.forms import VisitForm
from clinic.visits.services import record_visit


@require_http_methods(["GET", "POST"])
def patient_visit_add(request, pk: int):
    patient = clinic_patient(request, pk)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_visit(patient, **form.cleaned_data, actor=Actor.of(request))
        except Refusals as refused:
            for error in refused.errors:
                form.add_error(error.field, sentence(error))
        else:
            messages.success(request, "The visit is recorded.")
            return redirect("patient-detail", patient.pk)
    audit.record(request, AuditEvent.Action.VIEW, patient, clinic_id=patient.clinic_id)
    return render(request, "visits/visit_form.html", {"form": form, "patient": patient})
