from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import clinic_membership, clinic_patient, role_of
from accounts.clock import patient_today
from accounts.models import Patient
from accounts.services import send_invitation
from clinic.patients.forms import (
    NEEDS_ATTENTION,
    NO_CURRENT_PLAN,
    AddPatientForm,
    PatientSearchForm,
)
from clinic.plans.models import Screening, ScreeningAnswer
from clinic.review.attention import attention_for
from clinic.review.queries import annotate_for_review, attach_reviews
from mats.services import (
    current_safety_version,
    highest_version_read,
    last_acknowledgement,
)

PATIENTS_PER_PAGE = 25
# The patient's page lists this many of their latest answers to the safety questions.
SCREENINGS_SHOWN = 20


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
    now = timezone.now()
    patients = (
        annotate_for_review(Patient.objects.filter(clinic_id=membership.clinic_id), now)
        .select_related("primary_practitioner__user", "user", "clinic")
        .annotate(safety_version_read=highest_version_read(OuterRef("pk")))
        .order_by("full_name")
    )
    query, status = search.cleaned_data["q"], search.cleaned_data["status"]
    show = search.cleaned_data["show"]
    if query:
        patients = patients.filter(full_name__icontains=query)
    if status == NO_CURRENT_PLAN:
        patients = patients.filter(plan_status__isnull=True)
    elif status:
        patients = patients.filter(plan_status=status)
    # The flags come partly from the log (clinic.review), so they are worked
    # out here for every patient the search finds, in one more query, and
    # the flagged patients come first.
    rows = list(patients)
    attach_reviews(rows, now)
    rows.sort(key=lambda patient: not patient.flags)
    flagged = sum(1 for patient in rows if patient.flags)
    if show == NEEDS_ATTENTION:
        rows = rows[:flagged]
    page = Paginator(rows, PATIENTS_PER_PAGE).get_page(search.cleaned_data["page"] or 1)
    context = {
        "page": page,
        "query": query,
        "status": status,
        "show": show,
        "flagged": flagged,
        "search": search,
        "filtered": bool(query or status or show),
        "clinic": membership.clinic,
        "safety_version": current_safety_version(),
        "today": timezone.localdate(),
    }
    # Searching as you type swaps in the results only; the address is the same.
    template = (
        "patients/patient_list.html#results" if request.htmx else "patients/patient_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def patient_add(request):
    membership = clinic_membership(request)
    form = AddPatientForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            patient = form.save()
            audit.record(request, "create", patient, clinic_id=patient.clinic_id)
            email = send_invitation(request, patient, invited_by=request.user)
        # The email went (or failed) when the block above committed.
        if email.sent is False:
            messages.warning(
                request,
                f"{patient.full_name} is added and the invitation is saved, but the email "
                "could not be sent just now. Please try “Send a new invitation” below "
                "in a few minutes.",
            )
        else:
            messages.success(
                request,
                f"{patient.full_name} is added. We emailed them a link to set a password.",
            )
        return redirect("patient-detail", patient.pk)
    return render(request, "patients/patient_add.html", {"form": form})


@dataclass(frozen=True)
class ScreeningRow:
    """One time the patient answered the safety questions, for their page."""

    screening: Screening
    said_yes: list[ScreeningAnswer]
    took_back: list[ScreeningAnswer]  # absolute yes before, their own no now
    is_latest: bool


def screening_history(patient) -> list[ScreeningRow]:
    """The patient's latest answers first, in three queries however many."""
    screenings = patient.screenings.select_related(
        "recorded_by", "confirmation__confirmed_by"
    ).prefetch_related("answers")[:SCREENINGS_SHOWN]
    return [
        ScreeningRow(
            screening=screening,
            said_yes=[answer for answer in screening.answers.all() if answer.answer],
            took_back=[answer for answer in screening.answers.all() if answer.withdraws_yes],
            is_latest=number == 0,
        )
        for number, screening in enumerate(screenings)
    ]


@require_GET
def patient_detail(request, pk: int):
    patient = clinic_patient(request, pk)
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    invitation = patient.invitations.first()
    now = timezone.now()
    past_visits = list(patient.appointments.past(now)[:10])
    upcoming_visits = list(patient.appointments.upcoming(now))
    history = screening_history(patient)
    latest = history[0] if history else None
    attention = attention_for(patient)
    return render(
        request,
        "patients/patient_detail.html",
        {
            "patient": patient,
            "invitation": invitation,
            "safety_version": current_safety_version(),
            "safety_read": last_acknowledgement(patient),
            "past_visits": past_visits,
            "upcoming_visits": upcoming_visits,
            "plans": list(patient.plans.all()[:10]),
            "screening": latest.screening if latest else None,
            "yes_answers": latest.said_yes if latest else [],
            "history": history,
            "attention": attention,
            "today": patient_today(patient),
        },
    )


@require_POST
def patient_invite(request, pk: int):
    patient = clinic_patient(request, pk)
    if patient.has_account:
        messages.info(request, f"{patient.full_name} already has an account.")
    else:
        audit.record(request, "invite", patient, clinic_id=patient.clinic_id)
        email = send_invitation(request, patient, invited_by=request.user)
        if email.sent is False:
            messages.warning(
                request,
                f"The new invitation is saved, but the email to {patient.email} could not be "
                "sent just now. Please try again in a few minutes.",
            )
        else:
            messages.success(request, f"A new invitation is on its way to {patient.email}.")
    return redirect("patient-detail", patient.pk)
