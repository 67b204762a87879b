"""The email people choose: the patient's Settings page and its reminders
form, the Today page's offer, the one-click unsubscribe, and a
practitioner's notification settings.

Each view starts with its access helper, except ``unsubscribe``: there the
signed token in the link is the authority, so it needs no sign-in and no
CSRF token (a mail app posts it with neither, RFC 8058). Then one call: a
page from ``clinic/reminders/pages.py`` or a choice from
``clinic/notifications/preferences.py`` (which writes the audit row).
"""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import clinic_membership, own_patient_record
from accounts.audit import Actor
from accounts.errors import ServiceError, sentence
from accounts.models import Patient
from clinic.notifications import unsubscribe as links
from clinic.notifications.preferences import (
    answer_offer,
    set_practitioner_notifications,
    set_reminders,
    turn_off_reminders,
)
from clinic.reminders import pages
from clinic.reminders.forms import OfferForm
from clinic.usage.services import set_time_zone

SETTINGS = "reminders/patient_settings.html"
OFFER = "usage/patient_home.html#reminder-offer"


# --- The patient's Settings page --------------------------------------------------


def _settings(request, patient: Patient, **forms):
    return render(
        request, SETTINGS, {"patient": patient, "page": pages.settings_page(patient, **forms)}
    )


@require_http_methods(["GET", "POST"])
def patient_settings(request):
    """The page, and the time-zone form that posts back to it."""
    patient = own_patient_record(request)
    if request.method != "POST":
        return _settings(request, patient)
    form = pages.time_zone_form(patient, request.POST)
    if form.is_valid():
        try:
            set_time_zone(patient, form.cleaned_data["time_zone"], actor=Actor.of(request))
        except ServiceError as error:
            form.add_error("time_zone", sentence(error))
        else:
            messages.success(request, "Saved. Your days now follow this time zone.")
            return redirect("patient-home")
    return _settings(request, patient, time_zone=form)


@require_POST
def patient_reminders(request):
    patient = own_patient_record(request)
    form = pages.reminders_form(patient, request.POST)
    if not form.is_valid():
        return _settings(request, patient, reminders=form)
    chosen = set_reminders(patient, **form.cleaned_data, actor=Actor.of(request))
    if chosen.reminders_on:
        messages.success(
            request,
            f"Saved. Reminders are on: an email at {chosen.remind_at:%H:%M} "
            "on each day you have a session.",
        )
    else:
        messages.success(request, "Saved. Reminders are off: we will not email you about sessions.")
    return redirect("patient-settings")


# --- The Today page's offer -----------------------------------------------------------


@require_POST
def reminder_offer(request):
    """Yes or not now. With htmx the offer's card becomes a one-line answer in
    place; without JavaScript the answer is said on Today after a redirect."""
    patient = own_patient_record(request)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    chosen = answer_offer(patient, accept=form.accepted, actor=Actor.of(request))
    if request.htmx:
        response = render(request, OFFER, {"offer": {"answered": chosen}})
    else:
        if chosen.reminders_on:
            messages.success(
                request,
                f"Reminders are on: an email at {chosen.remind_at:%H:%M} on each day you have "
                "a session. You can change the time in Settings.",
            )
        else:
            messages.info(request, "No reminders for now. You can switch them on in Settings.")
        response = redirect("patient-home")
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Unsubscribe in one click ---------------------------------------------------------

UNSUBSCRIBE = "reminders/unsubscribe.html"


@login_not_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button and changes nothing (mail scanners open links); POST
    switches reminders off, from that button or from a mail app's own
    ``List-Unsubscribe=One-Click`` (RFC 8058), which has no cookie or token."""
    try:
        patient_id = links.patient_id_from(token)
    except links.BadToken as error:
        problem = "expired" if error.expired else "bad"
        return render(request, UNSUBSCRIBE, {"problem": problem}, status=400)
    patient = Patient.objects.filter(pk=patient_id).select_related("clinic").first()
    if patient is None:
        return render(request, UNSUBSCRIBE, {"problem": "gone"}, status=404)
    if request.method == "POST":
        # The audit keeps the route, not the path: the path carries the token.
        actor = replace(Actor.of(request), path=reverse("unsubscribe", args=["-"]))
        turn_off_reminders(patient, actor=actor)
        return render(request, UNSUBSCRIBE, {"done": True})
    return render(request, UNSUBSCRIBE, {"done": False})


# --- A practitioner's email ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practitioner_notifications(request):
    membership = clinic_membership(request)
    form = None
    if request.method == "POST":
        form = pages.notifications_form(membership, request.POST)
        if form.is_valid():
            set_practitioner_notifications(membership, **form.cleaned_data, actor=Actor.of(request))
            messages.success(request, "Saved. Your email settings are as shown below.")
            return redirect("practitioner-notifications")
    return render(
        request,
        "reminders/practitioner_notifications.html",
        {"page": pages.notifications_page(membership, form)},
    )
