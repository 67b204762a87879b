"""The practitioner's review before the next visit: the review page (with
marking side effects seen and leaving feedback), the printable pre-visit
summary and the CSV export of one patient's sessions.

Every view starts with ``clinic_patient``: another clinic's patient is 404,
anyone but a practitioner 403. Reads are audited here; the services in
``clinic.review.services`` audit what they write.
"""

import csv

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import audit, sudo
from accounts.access import clinic_patient
from accounts.audit import Actor
from accounts.errors import sentence
from accounts.models import Patient
from clinic.review.export import session_export
from clinic.review.forms import FeedbackForm, SeenForm
from clinic.review.pages import review_page, summary_page
from clinic.review.queries import review_rows
from clinic.review.services import ReviewError, leave_feedback, mark_reports_seen


def _review_page(request, patient: Patient, feedback_form: FeedbackForm):
    page = review_page(patient, timezone.now())
    return render(
        request, "review/patient_review.html", {"page": page, "feedback_form": feedback_form}
    )


@require_GET
def patient_review(request, pk: int):
    patient = clinic_patient(request, pk, review_rows(timezone.now()))
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return _review_page(request, patient, FeedbackForm())


@require_POST
def review_mark_seen(request, pk: int):
    patient = clinic_patient(request, pk)
    form = SeenForm(request.POST, patient=patient)
    if not form.is_valid():
        return HttpResponseBadRequest("Those reports could not be found. Reload the page.")
    shown = [report.pk for report in form.cleaned_data["reports"]]
    if mark_reports_seen(patient, shown, actor=Actor.of(request)):
        messages.success(request, "Marked as seen. The flag is cleared.")
    else:
        messages.info(request, "Those reports were already marked as seen.")
    return redirect("patient-review", patient.pk)


@require_POST
def review_feedback(request, pk: int):
    patient = clinic_patient(request, pk, review_rows(timezone.now()))
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            leave_feedback(patient, form.cleaned_data["message"], actor=Actor.of(request))
        except ReviewError as error:
            form.add_error(error.field, sentence(error))
        else:
            messages.success(request, f"Sent. {patient.full_name} sees it on their Today page.")
            return redirect("patient-review", patient.pk)
    # The review shown again with the message's errors: a read like the GET.
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return _review_page(request, patient, form)


@require_GET
def patient_summary(request, pk: int):
    patient = clinic_patient(request, pk, review_rows(timezone.now()))
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    page = summary_page(patient, timezone.now())
    return render(request, "review/patient_summary.html", {"page": page})


@require_GET
def patient_export(request, pk: int):
    patient = clinic_patient(request, pk)
    # A patient's records leave the site in a file: the sudo moment first.
    if (answer := sudo.confirmation_needed(request)) is not None:
        return answer
    export = session_export(patient)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )
    # A byte-order mark, so that spreadsheet programs read the text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(export.header)
    writer.writerows(export.rows)
    audit.record(request, "export", patient, clinic_id=patient.clinic_id)
    return response
