"""Where each person starts, and the practitioner's patients: the list, adding
and inviting a patient, the patient's page and marking their request to
delete their account handled. (The patient's own data, from Settings, is in
``own_data_views``.)

Each view starts with its access helper (``clinic_membership`` or
``clinic_patient``): another clinic's patient is 404, the wrong role 403.
Reads are audited here; ``clinic.patients.services`` audits what it writes.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import clinic_membership, clinic_patient, role_of
from accounts.audit import Actor
from accounts.errors import sentence
from accounts.models import AuditEvent
from clinic.patients.forms import AddPatientForm, PatientSearchForm
from clinic.patients.queries import patient_list_page, patient_page, patient_page_rows
from clinic.patients.services import (
    PatientRefused,
    add_patient,
    invite_patient,
    mark_deletion_handled,
)


@require_GET
def home(request):
    """Send each person to the page their role starts on."""
    role = role_of(request.user)
    if role == "patient":
        return redirect("patient-home")
    if role in ("practitioner", "clinic_admin"):
        return redirect("patient-list")
    if role == "staff":
        return redirect("admin:index")
    return render(request, "patients/no_role.html", status=403)


@require_GET
def patient_list(request):
    membership = clinic_membership(request)
    search = PatientSearchForm(request.GET)
    if not search.is_valid():
        return HttpResponseBadRequest("That search could not be understood.")
    page = patient_list_page(
        membership,
        query=search.cleaned_data["q"],
        status=search.cleaned_data["status"],
        show=search.cleaned_data["show"],
        page_number=search.cleaned_data["page"] or 1,
        now=timezone.now(),
    )
    # How many patients the page showed, never who, nor what was searched for.
    audit.record(
        request,
        AuditEvent.Action.LIST,
        membership.clinic,
        clinic_id=membership.clinic_id,
        count=len(page.rows.object_list),
    )
    # Searching as you type swaps in the results only; the address is the same.
    template = (
        "patients/patient_list.html#results" if request.htmx else "patients/patient_list.html"
    )
    response = render(request, template, {"page": page, "search": search})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def patient_add(request):
    membership = clinic_membership(request)
    form = AddPatientForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            patient, _ = add_patient(
                membership.clinic,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                primary_practitioner=form.cleaned_data["primary_practitioner"],
                request=request,
                actor=Actor.of(request),
            )
        except PatientRefused as error:
            form.add_error(error.field, sentence(error))
        else:
            # Saved with its invitation; the email leaves from the outbox, so
            # a mail server that is down delays it without undoing anything.
            messages.success(
                request,
                f"{patient.full_name} is added. Their invitation is saved and an email "
                "with the link to set a password is on its way to them.",
            )
            return redirect("patient-detail", patient.pk)
    return render(request, "patients/patient_add.html", {"form": form})


@require_GET
def patient_detail(request, pk: int):
    patient = clinic_patient(request, pk, patient_page_rows())
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    page = patient_page(patient, timezone.now())
    return render(request, "patients/patient_detail.html", {"page": page})


@require_POST
def patient_invite(request, pk: int):
    patient = clinic_patient(request, pk)
    try:
        invite_patient(patient, request=request, actor=Actor.of(request))
    except PatientRefused as error:
        messages.info(request, sentence(error))
    else:
        messages.success(request, f"A new invitation is on its way to {patient.email}.")
    return redirect("patient-detail", patient.pk)


@require_POST
def deletion_handled(request, pk: int):
    """The clinic has dealt with the patient's request to delete their account.
    Deleting (or keeping what the law requires) is done by the clinic, not here."""
    patient = clinic_patient(request, pk)
    try:
        mark_deletion_handled(patient, actor=Actor.of(request))
    except PatientRefused as error:
        messages.info(request, sentence(error))
    else:
        messages.success(
            request,
            f"Marked as handled. Please make sure {patient.full_name} knows what the clinic did.",
        )
    return redirect("patient-detail", patient.pk)
