"""Read-only pages of the mat library and the patients' safety acknowledgement.

Only published content is shown here: library rows that editors ticked as
published and safety content from the current published version, never the
draft rows.
"""

import re
from pathlib import PurePosixPath

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.access import library_content_viewer, own_patient_record, signed_in_reader
from accounts.audit import Actor
from accounts.errors import sentence
from mats.forms import AcknowledgeForm, PositionFilterForm
from mats.models import BodyRegion, EvidenceSummary, GuidancePage, Position, SafetyVersion
from mats.pictures import UPLOAD_FOLDER
from mats.services import (
    SafetyRefused,
    acknowledge_current_version,
    current_safety_version,
    published_positions,
    published_routine_templates,
    safety_reading,
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
    region = form.cleaned_data["region"]
    return render(
        request,
        "mats/position_list.html",
        {
            "positions": published_positions(region),
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
    reading = safety_reading(patient)
    if reading is None:
        # Nothing has been published, so there is nothing to read yet.
        return redirect("patient-home")
    if request.method == "POST":
        form = AcknowledgeForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("That confirmation could not be understood.")
        try:
            acknowledge_current_version(
                patient, form.cleaned_data["version"], actor=Actor.of(request)
            )
        except SafetyRefused as error:
            messages.info(request, sentence(error))
            return redirect("safety-acknowledge")
        messages.success(request, "Thank you. You can see today's session now.")
        return redirect("patient-home")
    # The page shows what this patient read before and what changed since.
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return render(
        request,
        "mats/safety_acknowledge.html",
        {
            "version": reading.version,
            "snapshot": reading.snapshot,
            "what_changed": reading.what_changed,
            "already_read": reading.already_read,
            "form": AcknowledgeForm(initial={"version": reading.version.number}),
        },
    )


# What upload_name makes: 32 hex digits and the stored format's suffix.
PICTURE_NAME = re.compile(r"[0-9a-f]{32}\.(?:webp|jpe?g|png)")
PICTURE_TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Each upload gets a new name, so a picture never changes under its address.
PICTURE_CACHE = "private, max-age=31536000, immutable"


@require_GET
def position_picture(request, name: str):
    """An uploaded position picture, read through the storage API. Only files
    a position points at are served (published ones to readers; any to staff,
    for the admin's preview), so nothing else in storage can be reached."""
    role = library_content_viewer(request)
    if not PICTURE_NAME.fullmatch(name):
        raise Http404("No such picture.")
    stored = f"{UPLOAD_FOLDER}/{name}"
    positions = Position.objects.all() if role == "staff" else Position.objects.published()
    if not positions.filter(picture=stored).exists():
        raise Http404("No such picture.")
    storage = Position._meta.get_field("picture").storage
    try:
        picture = storage.open(stored, "rb")
    except OSError:
        raise Http404("No such picture.") from None
    response = FileResponse(
        picture, content_type=PICTURE_TYPES[PurePosixPath(name).suffix], filename=name
    )
    response["Cache-Control"] = PICTURE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response.holds_no_personal_data = True
    return response
