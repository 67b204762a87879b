"""The audit trail, read in the site: the clinic admin's page of their
clinic's rows, and the patient's "who has looked at my record" page.

Practitioners, patients and staff get 403 on the clinic admin's page (staff
read the whole trail in the Django admin instead); only a patient reaches
their own page.
"""

import zoneinfo

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import clinic_membership, own_patient_record
from accounts.models import Membership
from clinic.patients import trail
from clinic.patients.trail import TrailFilterForm


def _clinic_admin(request) -> Membership:
    membership = clinic_membership(request)
    if membership.role != Membership.Role.CLINIC_ADMIN:
        raise PermissionDenied("This page is for the clinic's admins.")
    return membership


@require_GET
def clinic_audit(request):
    membership = _clinic_admin(request)
    clinic = membership.clinic
    form = TrailFilterForm(request.GET, clinic=clinic)
    if not form.is_valid():
        # A date the wrong way round is a mistake worth explaining on the page;
        # anything else in the address was not typed into this form.
        if set(form.errors) - {"until", "since"}:
            return HttpResponseBadRequest("Those filters could not be understood.")
        return render(
            request,
            "patients/clinic_audit.html",
            {"form": form, "clinic": clinic, "page": None, "lines": []},
            status=400,
        )
    page = trail.trail_page(
        trail.clinic_trail(clinic, form.cleaned_data), form.cleaned_data["page"]
    )
    lines = trail.lines(page, zoneinfo.ZoneInfo(clinic.time_zone))
    return render(
        request,
        "patients/clinic_audit.html",
        {"form": form, "clinic": clinic, "page": page, "lines": lines},
    )


@require_GET
def record_access(request):
    patient = own_patient_record(request)
    number = request.GET.get("page", "1")
    if not number.isdigit() or len(number) > 7:
        return HttpResponseBadRequest("That page number could not be understood.")
    page = trail.trail_page(trail.patient_trail(patient), int(number), trail.PATIENT_ROWS_PER_PAGE)
    return render(
        request,
        "patients/record_access.html",
        {"patient": patient, "page": page, "lines": trail.patient_lines(page, patient)},
    )
