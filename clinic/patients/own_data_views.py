"""The patient's own data, from their Settings page: downloading everything
the site holds about them (JSON or CSV), and asking their clinic to delete
their account (or taking that back).

Every view starts with ``own_patient_record``: only the signed-in patient's
own record, 403 for anyone else. The downloads write one "export" audit row
(ids only) and change nothing else; the services in
``clinic.patients.services`` audit the requests.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, sudo
from accounts.access import own_patient_record
from accounts.audit import Actor
from accounts.errors import sentence
from clinic.patients.forms import DeletionRequestForm
from clinic.patients.own_data import own_data
from clinic.patients.own_data_files import csv_text, json_text
from clinic.patients.services import (
    PatientRefused,
    open_deletion_request,
    request_deletion,
    withdraw_deletion_request,
)

DELETION_PAGE = "patients/deletion_request.html"


def _download(request, write, *, extension: str, content_type: str) -> HttpResponse:
    """``write(data)`` gives the file's text; the answer is a dated attachment."""
    patient = own_patient_record(request)
    # Everything the site holds about the patient, in one file: the sudo moment first.
    if (answer := sudo.confirmation_needed(request)) is not None:
        return answer
    data = own_data(patient, timezone.now())
    body = write(data)
    response = HttpResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": (
                f'attachment; filename="my-mat-data-{data.today.isoformat()}.{extension}"'
            ),
            "Cache-Control": "no-store",
        },
    )
    audit.record(request, "export", patient, clinic_id=patient.clinic_id)
    return response


@require_GET
def own_data_json(request):
    return _download(
        request, json_text, extension="json", content_type="application/json; charset=utf-8"
    )


@require_GET
def own_data_csv(request):
    return _download(request, csv_text, extension="csv", content_type="text/csv; charset=utf-8")


@require_http_methods(["GET", "POST"])
def deletion_request(request):
    """GET explains what happens and shows the button; POST records the
    request and goes back to Settings."""
    patient = own_patient_record(request)
    form = DeletionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            request_deletion(patient, message=form.cleaned_data["message"], actor=Actor.of(request))
        except PatientRefused as error:
            if error.field:
                form.add_error(error.field, sentence(error))
            else:
                messages.info(request, sentence(error))
                return redirect("patient-settings")
        else:
            messages.success(
                request,
                "Your request is sent. Your clinic will tell you what they have done. "
                "You can withdraw it in Settings until then.",
            )
            return redirect("patient-settings")
    return render(
        request,
        DELETION_PAGE,
        {
            "patient": patient,
            "form": form,
            "open_request": open_deletion_request(patient),
        },
    )


@require_POST
def deletion_withdraw(request):
    patient = own_patient_record(request)
    try:
        withdraw_deletion_request(patient, actor=Actor.of(request))
    except PatientRefused as error:
        messages.info(request, sentence(error))
    else:
        messages.success(request, "Withdrawn. Your clinic will not delete your account.")
    return redirect("patient-settings")
