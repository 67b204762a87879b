"""The patient's own pages: today, ticking a session off and saying how it
went, the guided timer, the plan as a calendar, side effects. (The
Settings page, with the time zone, lives with the reminders in
``clinic/reminders/views.py``.)

Every view starts with ``own_patient_record``: a patient only ever reaches
their own records, anyone else gets 403, and another patient's session or
report is 404. Then one call: a page from ``clinic/usage/pages.py`` to show,
or a service from ``clinic/usage/services.py`` to change something (the
service writes the audit row; the view says who acted).

The session card on the Today page is the partial ``card`` of
``usage/patient_home.html``. With htmx, ticking off, saving details and
undoing swap that card in place; without JavaScript the same forms post
normally and redirect back.
"""

from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import own_patient_record, refuse_if_it_exists, scoped_or_404
from accounts.audit import Actor
from accounts.clock import patient_today
from accounts.errors import Refusals, ServiceError, sentence
from accounts.fixed_rows import one_row
from accounts.models import Patient
from clinic.plans.models import PlannedSession
from clinic.plans.queries import latest_screening, needs_screening
from clinic.usage import pages
from clinic.usage.forms import CheckOffForm
from clinic.usage.models import SideEffectReport
from clinic.usage.services import (
    check_off,
    log_of,
    report_side_effect,
    save_how_it_went,
    undo_check_off,
)
from mats.services import needs_acknowledgement

# The session asked for, if it is the patient's (accounts.fixed_rows conditions).
OWN_SESSION = (("pk", "="), ("patient", "="))
HOME = "usage/patient_home.html"
CARD = "usage/patient_home.html#card"
DAY = "usage/session_day.html"


def _own_session(request: HttpRequest, patient: Patient, pk: int) -> PlannedSession:
    """One of the patient's own sessions; another patient's is 404 (and recorded as refused)."""
    # Read by every post from the session card: SQL built once (accounts.fixed_rows).
    session = one_row(
        PlannedSession, DEFAULT_DB_ALIAS, OWN_SESSION, (pk, patient.pk), related=("plan",)
    )
    if session is None:
        refuse_if_it_exists(request, PlannedSession, pk, clinic_id=patient.clinic_id)
        raise Http404("No such record.")
    # The patient is the one already read with the user (clinic and all):
    # reading it again through the session would cost two more queries.
    session.patient = patient
    session.plan.patient = patient
    return session


def _add_refusals(form: Form, error: ServiceError | Refusals) -> None:
    """Each refusal in words on its field, or on the form when it has no such field."""
    for refusal in error.errors if isinstance(error, Refusals) else [error]:
        form.add_error(refusal.field if refusal.field in form.fields else None, sentence(refusal))


# --- Today and the session card ------------------------------------------------------


@require_GET
def patient_home(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        # Today's session waits until the patient has read the current safety guidance ...
        return redirect("safety-acknowledge")
    # Read once for both the screening check and the page.
    screening = latest_screening(patient)
    if needs_screening(patient, screening=screening):
        # ... and answered the current safety questions.
        return redirect("safety-questions")
    home = pages.home(patient, screening=screening)
    return render(request, HOME, {"patient": patient, "home": home})


@require_GET
def session_day(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(request, patient, pk)
    return render(request, DAY, {"patient": patient, "card": pages.card(patient, session)})


def _card_response(request: HttpRequest, patient: Patient, session: PlannedSession, **card):
    """The card alone for htmx; otherwise the session's page, e.g. with form errors."""
    context = {"patient": patient, "card": pages.card(patient, session, **card)}
    response = render(request, CARD if request.htmx else DAY, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(patient: Patient, session: PlannedSession) -> HttpResponse:
    if session.date == patient_today(patient):
        return redirect("patient-home")
    return redirect("session-day", session.pk)


def _refused(request, patient: Patient, session: PlannedSession, error: ServiceError):
    """The refusal on the card for htmx; otherwise said on the page the patient came from."""
    if request.htmx:
        return _card_response(request, patient, session, problem=sentence(error))
    messages.error(request, sentence(error))
    return _back(patient, session)


@require_POST
def session_check_off(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(request, patient, pk)
    form = CheckOffForm(request.POST)
    if not form.is_valid():
        return _card_response(request, patient, session, check_off=form)
    try:
        log, created = check_off(
            session, minutes_done=form.cleaned_data["minutes_done"], actor=Actor.of(request)
        )
    except ServiceError as error:
        return _refused(request, patient, session, error)
    if request.htmx:
        return _card_response(request, patient, session, log=log, just_ticked=created)
    messages.success(request, "Done. Well done for today." if created else "Already ticked off.")
    return _back(patient, session)


@require_POST
def session_details(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(request, patient, pk)
    form = pages.details_form(request.POST)
    if not form.is_valid():
        return _card_response(request, patient, session, details=form)
    try:
        _, reported = save_how_it_went(
            session, form.details(), noticed=form.noticed(), actor=Actor.of(request)
        )
    except (ServiceError, Refusals) as error:
        _add_refusals(form, error)
        return _card_response(request, patient, session, details=form)
    if request.htmx:
        return _card_response(request, patient, session, reported=reported, saved=True)
    if reported is not None:
        return redirect("side-effect-detail", reported.report.pk)
    messages.success(request, "Thank you. Saved.")
    return _back(patient, session)


@require_POST
def session_undo(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(request, patient, pk)
    log = log_of(session)
    if log is not None:
        try:
            undo_check_off(log, actor=Actor.of(request))
        except ServiceError as error:
            return _refused(request, patient, session, error)
    if request.htmx:
        return _card_response(request, patient, session)
    if log is not None:
        messages.success(request, "Un-ticked. You can tick it off again when you have done it.")
    return _back(patient, session)


# --- The guided timer and the plan as a calendar -------------------------------------


@require_GET
def session_timer(request):
    """Counts down today's minutes with a breathing pacer (static/js/timer.js).
    Without JavaScript the page still gives the minutes and the check-off."""
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    return render(
        request, "usage/session_timer.html", {"patient": patient, "timer": pages.timer(patient)}
    )


@require_GET
def patient_plan(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    return render(
        request, "usage/patient_plan.html", {"patient": patient, "page": pages.plan_page(patient)}
    )


# --- Side effects --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def side_effect_report(request):
    patient = own_patient_record(request)
    posting = request.method == "POST"
    form = pages.side_effect_form(request.POST if posting else None)
    if posting and form.is_valid():
        noticed = form.noticed()
        try:
            reported = report_side_effect(
                patient,
                codes=noticed.codes,
                details=noticed.details,
                submission_key=noticed.submission_key,
                actor=Actor.of(request),
            )
        except ServiceError as error:
            _add_refusals(form, error)
        else:
            return redirect("side-effect-detail", reported.report.pk)
    return render(request, "usage/side_effect_report.html", {"patient": patient, "form": form})


@require_GET
def side_effect_detail(request, pk: int):
    patient = own_patient_record(request)
    reports = SideEffectReport.objects.select_related("plan").filter(patient=patient)
    report = scoped_or_404(request, reports, pk, clinic_id=patient.clinic_id)
    return render(
        request,
        "usage/side_effect_detail.html",
        {"patient": patient, "page": pages.side_effect_detail(report)},
    )
