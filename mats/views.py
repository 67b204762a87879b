"""Read-only pages of the mat library and the patients' safety acknowledgement.

Only published content is shown here: library rows that editors ticked as
published and safety content from the current published version, never the
draft rows.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.access import own_patient_record, signed_in_reader
from mats.forms import AcknowledgeForm, PositionFilterForm
from mats.models import BodyRegion, EvidenceSummary, GuidancePage, SafetyVersion
from mats.services import (
    acknowledge_safety_version,
    changes_since_last_read,
    current_safety_version,
    last_acknowledgement,
    published_positions,
    published_routine_templates,
)


@require_GET
def library(request):
    signed_in_reader(request)
    return render(
        request,
        "mats/library.html",
        {
            "pages": GuidancePage.objects.published(),
            "safety_version": current_safety_version(),
        },
    )


@require_GET
def guidance_page(request, slug: str):
    signed_in_reader(request)
    page = get_object_or_404(GuidancePage.objects.published(), slug=slug)
    return render(request, "mats/guidance_page.html", {"page": page})


@require_GET
def position_list(request):
    signed_in_reader(request)
    form = PositionFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("That body region is not one we know.")
    positions = published_positions()
    region = form.cleaned_data["region"]
    if region:
        positions = positions.filter(body_region=region)
    return render(
        request,
        "mats/position_list.html",
        {
            "positions": positions,
            "form": form,
            "region_label": BodyRegion(region).label if region else "",
        },
    )


@require_GET
def routine_list(request):
    signed_in_reader(request)
    return render(request, "mats/routine_list.html", {"templates": published_routine_templates()})


@require_GET
def routine_detail(request, slug: str):
    signed_in_reader(request)
    template = get_object_or_404(published_routine_templates(), slug=slug)
    return render(request, "mats/routine_detail.html", {"template": template})


@require_GET
def evidence(request):
    signed_in_reader(request)
    return render(request, "mats/evidence.html", {"studies": EvidenceSummary.objects.published()})


@require_GET
def safety(request):
    """The safety guidance everyone currently works from."""
    signed_in_reader(request)
    version = current_safety_version()
    return render(
        request,
        "mats/safety.html",
        {"version": version, "snapshot": version.snapshot if version else None},
    )


@require_GET
def safety_version(request, number: int):
    """An earlier version exactly as published, e.g. the one a patient read."""
    signed_in_reader(request)
    version = get_object_or_404(SafetyVersion, number=number)
    return render(
        request,
        "mats/safety.html",
        {
            "version": version,
            "snapshot": version.snapshot,
            "current": current_safety_version(),
        },
    )


@require_http_methods(["GET", "POST"])
def safety_acknowledge(request):
    patient = own_patient_record(request)
    version = current_safety_version()
    if version is None:
        # Nothing has been published, so there is nothing to read yet.
        return redirect("patient-home")
    if request.method == "POST":
        form = AcknowledgeForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("That confirmation could not be understood.")
        if form.cleaned_data["version"] != version.number:
            messages.info(
                request,
                "The safety guidance was updated while you were reading. "
                "Please read the new version below.",
            )
            return redirect("safety-acknowledge")
        with transaction.atomic():
            acknowledgement, created = acknowledge_safety_version(patient, version)
            if created:
                audit.record(request, "create", acknowledgement, clinic_id=patient.clinic_id)
        messages.success(request, "Thank you. You can see today's session now.")
        return redirect("patient-home")
    # The page shows what this patient read before and what changed since.
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    last = last_acknowledgement(patient)
    return render(
        request,
        "mats/safety_acknowledge.html",
        {
            "version": version,
            "snapshot": version.snapshot,
            "what_changed": changes_since_last_read(patient),
            "already_read": last is not None and last.version_id == version.pk,
            "form": AcknowledgeForm(initial={"version": version.number}),
        },
    )
