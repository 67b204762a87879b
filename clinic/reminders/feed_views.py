"""The calendar feed: the file a calendar app fetches, and the patient's
button that makes (or replaces) its address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts import audit
from accounts.access import own_patient_record
from accounts.audit import Actor
from accounts.models import AuditEvent
from accounts.throttle import client_address
from clinic.reminders import feed, services


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    # Calendar apps fetch this without signing in: the address is the key.
    # Each fetch is a read of the patient's plan, so it leaves a VIEW row
    # with nobody as the actor and the address masked (the row must not be
    # a way to find the key); the patient's "who looked" page calls it their
    # calendar app.
    opened = feed.feed_for(token)
    if opened is None:
        raise Http404("No such calendar.")
    patient = opened.patient
    body = feed.build(patient, timezone.now())
    if request.method == "GET":  # a HEAD shows nothing of the plan
        fetched_by = Actor(user=None, path=feed.audit_path(), address=client_address(request))
        audit.write(fetched_by, AuditEvent.Action.VIEW, patient, clinic_id=patient.clinic_id)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={feed.CACHE_SECONDS}"
    response["Content-Disposition"] = 'inline; filename="mat-sessions.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def calendar_feed_reset(request):
    patient = own_patient_record(request)
    _, created = services.create_or_reset_feed(patient, actor=Actor.of(request))
    if created:
        messages.success(
            request,
            "Your calendar address is ready. "
            "Add it to your calendar app to see your sessions there.",
        )
    else:
        messages.success(
            request,
            "Your calendar has a new address. The old one no longer works: "
            "add the new one to your calendar app.",
        )
    return redirect("patient-settings")
