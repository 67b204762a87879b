"""The patient's own pages: today, ticking a session off and saying how it
went, side effects, the safety questions and settings.

Every view starts with ``own_patient_record``: a patient only ever reaches
their own records, anyone else gets 403, and another patient's session or
report is 404.

The session card on the home page is the partial ``card`` of
``clinic/patient_home.html``. With htmx, ticking off, saving details and
undoing swap that card in place; without JavaScript the same forms post
normally and redirect back.
"""

from datetime import date, timedelta
from uuid import uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import own_patient_record
from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans import gate, schedule_display
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.queries import (
    current_plan,
    gate_for,
    needs_screening,
)
from clinic.usage import plan_calendar
from clinic.usage.forms import CheckOffForm, LogDetailsForm, SideEffectForm, TimeZoneForm
from clinic.usage.models import SessionLog, SideEffectReport
from clinic.usage.services import (
    LOG_DAYS_BACK,
    Reported,
    can_undo,
    check_off,
    log_of,
    loggable_problem,
    logs_for_plan,
    report_side_effect,
    save_details,
    session_for_day,
    stop_rules_for_report,
    undo_check_off,
)
from mats.services import (
    needs_acknowledgement,
    published_positions,
    published_stop_rules,
)

HOME = "usage/patient_home.html"
CARD = "usage/patient_home.html#card"


# --- Today ---------------------------------------------------------------------


@require_GET
def patient_home(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        # Today's session waits until the patient has read the current safety guidance ...
        return redirect("safety-acknowledge")
    if needs_screening(patient):
        # ... and answered the current safety questions.
        return redirect("safety-questions")
    today = patient_today(patient)
    plan = current_plan(patient)
    cleared = list(plan.clearances.values_list("code", flat=True)) if plan else []
    outcome, _ = gate_for(patient, cleared)
    session = session_for_day(patient, today)
    upcoming = []
    if plan is not None and plan.status == PlanStatus.ACTIVE:
        upcoming = list(plan.sessions.filter(date__gt=today)[:3])
    context = {
        "patient": patient,
        "practitioner": patient.primary_practitioner.user,
        "plan": plan,
        "today": today,
        "blocked": outcome.verdict is gate.Verdict.BLOCKED,
        # An answer that ruled the mat out was taken back: the practitioner checks first.
        "awaiting_confirmation": outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION,
        "waiting_for_clearance": outcome.verdict is gate.Verdict.NEEDS_CLEARANCE,
        "upcoming": upcoming,
        "session": session,
        # The practitioner's latest message after reviewing the log.
        "feedback": patient.feedback.select_related("author").first(),
    }
    if session is not None:
        context.update(_card(patient, session, today))
    return render(request, HOME, context)


def _own_session(patient: Patient, pk: int) -> PlannedSession:
    return get_object_or_404(PlannedSession.objects.select_related("plan"), pk=pk, patient=patient)


def _details_form(log: SessionLog, data=None) -> LogDetailsForm:
    initial = {
        "minutes_done": log.minutes_done,
        "pain_before": log.pain_before,
        "pain_after": log.pain_after,
        "relaxation": log.relaxation,
        "sensations": log.sensations,
        "note": log.note,
        "submission_key": uuid4(),
    }
    return LogDetailsForm(data, initial=initial, stop_rules=published_stop_rules())


def _card(
    patient: Patient,
    session: PlannedSession,
    today: date,
    *,
    details_form: LogDetailsForm | None = None,
    check_off_form: CheckOffForm | None = None,
    problem: str = "",
    reported: Reported | None = None,
    saved: bool = False,
) -> dict:
    """What the session card shows: the session, and its log if ticked off."""
    log = log_of(session)
    if log is not None and details_form is None:
        details_form = _details_form(log)
    return {
        "session": session,
        "log": log,
        "today": today,
        "loggable": loggable_problem(session, today) is None,
        "problem": problem,
        "can_undo": log is not None and can_undo(log, today),
        "details_form": details_form,
        "check_off_form": check_off_form or CheckOffForm(),
        "position": published_positions().filter(name=session.position).first(),
        "reports": list(log.side_effect_reports.all()) if log else [],
        "reported": reported,
        "saved": saved,
    }


def _card_response(request: HttpRequest, patient: Patient, session: PlannedSession, **card):
    """The card alone for htmx; otherwise the session's page, e.g. with form errors."""
    today = patient_today(patient)
    context = {"patient": patient, **_card(patient, session, today, **card)}
    template = CARD if request.htmx else "usage/session_day.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(session: PlannedSession, today: date) -> HttpResponse:
    if session.date == today:
        return redirect("patient-home")
    return redirect("session-day", session.pk)


@require_GET
def session_day(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(patient, pk)
    return render(
        request,
        "usage/session_day.html",
        {"patient": patient, **_card(patient, session, patient_today(patient))},
    )


@require_POST
def session_check_off(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(patient, pk)
    today = patient_today(patient)
    form = CheckOffForm(request.POST)
    if not form.is_valid():
        return _card_response(request, patient, session, check_off_form=form)
    try:
        with transaction.atomic():
            log, created = check_off(
                session, minutes_done=form.cleaned_data["minutes_done"], today=today
            )
            if created:
                audit.record(request, "create", log, clinic_id=patient.clinic_id)
    except ValidationError as error:
        if request.htmx:
            return _card_response(request, patient, session, problem=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return _back(session, today)
    if request.htmx:
        return _card_response(request, patient, session)
    messages.success(request, "Done. Well done for today." if created else "Already ticked off.")
    return _back(session, today)


@require_POST
def session_details(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(patient, pk)
    today = patient_today(patient)
    form = LogDetailsForm(request.POST, stop_rules=published_stop_rules())
    if not form.is_valid():
        return _card_response(request, patient, session, details_form=form)
    reported = None
    try:
        with transaction.atomic():
            # Details ticked off the session too, should another tab have undone it.
            log, created = check_off(session, today=today)
            save_details(log, form.details())
            audit.record(
                request, "create" if created else "update", log, clinic_id=patient.clinic_id
            )
            if form.reports_side_effects:
                reported = report_side_effect(
                    patient,
                    codes=form.cleaned_data["side_effects"],
                    details=form.cleaned_data["side_effect_details"],
                    submission_key=form.cleaned_data["submission_key"],
                    session_log=log,
                    today=today,
                )
                _audit_report(request, patient, reported)
    except ValidationError as error:
        form.add_error(None, error)
        return _card_response(request, patient, session, details_form=form)
    if request.htmx:
        return _card_response(request, patient, session, reported=reported, saved=True)
    if reported is not None:
        return redirect("side-effect-detail", reported.report.pk)
    messages.success(request, "Thank you. Saved.")
    return _back(session, today)


@require_POST
def session_undo(request, pk: int):
    patient = own_patient_record(request)
    session = _own_session(patient, pk)
    today = patient_today(patient)
    log = log_of(session)
    problem = ""
    if log is not None:
        try:
            with transaction.atomic():
                if undo_check_off(log, today=today):
                    audit.record(request, "delete", log, clinic_id=patient.clinic_id)
        except ValidationError as error:
            problem = " ".join(error.messages)
    if request.htmx:
        return _card_response(request, patient, session, problem=problem)
    if problem:
        messages.error(request, problem)
    elif log is not None:
        messages.success(request, "Un-ticked. You can tick it off again when you have done it.")
    return _back(session, today)


# --- The guided timer ----------------------------------------------------------------


@require_GET
def session_timer(request):
    """Counts down today's minutes with a breathing pacer (static/js/timer.js).
    Without JavaScript the page still gives the minutes and the check-off."""
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    today = patient_today(patient)
    session = session_for_day(patient, today)
    log = log_of(session) if session else None
    form = CheckOffForm(initial={"minutes_done": session.minutes}) if session else None
    return render(
        request,
        "usage/session_timer.html",
        {"patient": patient, "session": session, "log": log, "form": form, "today": today},
    )


# --- The plan as a calendar --------------------------------------------------------


@require_GET
def patient_plan(request):
    patient = own_patient_record(request)
    if needs_acknowledgement(patient):
        return redirect("safety-acknowledge")
    today = patient_today(patient)
    # The current plan, or else the last one that ran, so its calendar stays to look back on.
    plan = current_plan(patient) or (
        patient.plans.filter(status=PlanStatus.ENDED, ended_on__gte=F("start_date")).first()
    )
    context = {"patient": patient, "plan": plan, "today": today}
    if plan is not None and plan.is_current:
        outcome, _ = gate_for(patient)
        context["awaiting_confirmation"] = outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION
    if plan is not None and plan.status != PlanStatus.WAITING:
        context.update(_calendar_context(patient, plan, today))
    return render(request, "usage/patient_plan.html", context)


def _calendar_context(patient: Patient, plan: Plan, today: date) -> dict:
    stages = plan.schedule_stages()
    sessions = list(plan.sessions.all())
    rows = schedule_display.as_written(
        stages, plan.start_date, plan.end_date, plan.last_day, sessions
    ).rows
    logged = {
        log.day: plan_calendar.LoggedDay(log.pain_before, log.pain_after)
        for log in logs_for_plan(plan)
    }
    reported: dict[date, list[str]] = {}
    for report in patient.side_effect_reports.filter(
        day__range=(plan.start_date, plan.last_day)
    ).order_by("reported_at"):
        reported.setdefault(report.day, []).extend(report.symptom_names or ["in your own words"])
    days = plan_calendar.calendar(
        rows,
        today=today,
        session_pks={session.date: session.pk for session in sessions},
        logged=logged,
        reported=reported,
        paused_on=plan.paused_on,
        loggable_from=today - timedelta(days=LOG_DAYS_BACK),
    )
    return {
        "calendar": days,
        "sessions": len(sessions),
        "streak": plan_calendar.streak([s.date for s in sessions], set(logged), today),
        "stage": plan_calendar.progress(stages, plan.start_date, plan.end_date, today),
    }


# --- Side effects ----------------------------------------------------------------


def _audit_report(request, patient: Patient, reported: Reported) -> None:
    if reported.created:
        audit.record(request, "create", reported.report, clinic_id=patient.clinic_id)
    if reported.paused is not None:
        audit.record(request, "update", reported.paused, clinic_id=patient.clinic_id)


@require_http_methods(["GET", "POST"])
def side_effect_report(request):
    patient = own_patient_record(request)
    posting = request.method == "POST"
    form = SideEffectForm(
        request.POST if posting else None,
        initial={"submission_key": uuid4()},
        stop_rules=published_stop_rules(),
    )
    if posting and form.is_valid():
        try:
            with transaction.atomic():
                reported = report_side_effect(
                    patient,
                    codes=form.cleaned_data["side_effects"],
                    details=form.cleaned_data["details"],
                    submission_key=form.cleaned_data["submission_key"],
                    today=patient_today(patient),
                )
                _audit_report(request, patient, reported)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("side-effect-detail", reported.report.pk)
    return render(request, "usage/side_effect_report.html", {"patient": patient, "form": form})


@require_GET
def side_effect_detail(request, pk: int):
    patient = own_patient_record(request)
    report = get_object_or_404(
        SideEffectReport.objects.select_related("plan"), pk=pk, patient=patient
    )
    return render(
        request,
        "usage/side_effect_detail.html",
        {
            "patient": patient,
            "report": report,
            "rules": stop_rules_for_report(report),
            "paused": report.plan is not None and report.plan.status == PlanStatus.PAUSED,
        },
    )


# --- Safety questions and settings ------------------------------------------------


@require_http_methods(["GET", "POST"])
def patient_settings(request):
    patient = own_patient_record(request)
    form = TimeZoneForm(request.POST if request.method == "POST" else None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, "update", patient, clinic_id=patient.clinic_id)
        messages.success(request, "Saved. Your days now follow this time zone.")
        return redirect("patient-home")
    return render(
        request,
        "usage/patient_settings.html",
        {"patient": patient, "form": form, "now": timezone.localtime(timezone=patient.zone)},
    )
