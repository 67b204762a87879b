"""The practitioner's review before the next visit: the review page (with
marking side effects seen and leaving feedback), the printable pre-visit
summary and the CSV export of one patient's sessions.

Every view starts with ``clinic_patient``: another clinic's patient is 404,
anyone but a practitioner 403. Reads and writes are audited.
"""

import csv
from datetime import date

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import audit
from accounts.access import clinic_patient
from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans import schedule_display
from clinic.plans.models import PlannedSession
from clinic.review import charts
from clinic.review.forms import FeedbackForm, SeenForm
from clinic.review.plan_review import LAST_DAYS, pain_change
from clinic.review.queries import PatientReview, load_review
from clinic.usage import plan_calendar
from clinic.usage.services import mark_side_effects_seen

# Pain before and after: different markers and line styles, not colour alone.
PAIN_SERIES = (
    ("before", "Pain before", charts.CIRCLE, False),
    ("after", "Pain after", charts.SQUARE, True),
)


def _charts(data: PatientReview) -> dict:
    if data.plan is None or not data.logs:
        return {}
    first, last = data.plan.start_date, data.period_end
    pain = charts.line_chart(
        first,
        last,
        [
            charts.SeriesSpec(
                key=key,
                name=name,
                marker=marker,
                dashed=dashed,
                values=[(log.day, getattr(log, f"pain_{key}")) for log in data.logs],
            )
            for key, name, marker, dashed in PAIN_SERIES
        ],
    )
    relaxation = charts.line_chart(
        first,
        last,
        [
            charts.SeriesSpec(
                key="relaxation",
                name="Relaxation",
                marker=charts.CIRCLE,
                dashed=False,
                values=[(log.day, log.relaxation) for log in data.logs],
            )
        ],
    )
    return {"pain_chart": pain, "relaxation_chart": relaxation}


def _calendar(data: PatientReview) -> list[tuple]:
    """Each plan week's days (planned against done), its adherence and the
    empty cells that pad a short last week."""
    plan = data.plan
    if plan is None:
        return []
    rows = schedule_display.as_written(
        plan.schedule_stages(), plan.start_date, plan.end_date, plan.last_day, data.sessions
    ).rows
    reported: dict[date, list[str]] = {}
    for report in data.reports:
        reported.setdefault(report.day, []).extend(report.symptom_names or ["in their words"])
    days = plan_calendar.calendar(
        rows,
        today=data.today,
        session_pks={session.date: session.pk for session in data.sessions},
        logged={
            log.day: plan_calendar.LoggedDay(log.pain_before, log.pain_after) for log in data.logs
        },
        reported=reported,
        paused_on=plan.paused_on,
    )
    weeks = {week.number: week for week in data.weeks}
    # The last week may be short; empty cells keep the table's columns.
    return [(week, weeks.get(week.number), range(7 - len(week.days))) for week in days.weeks]


def _timeline(data: PatientReview) -> list[dict]:
    """The patient's notes and side effects, oldest first."""
    entries = [{"day": log.day, "kind": "note", "log": log} for log in data.logs if log.note] + [
        {"day": report.day, "kind": "side_effect", "report": report} for report in data.reports
    ]
    return sorted(entries, key=lambda entry: (entry["day"], entry["kind"] == "side_effect"))


def _review_page(request, patient: Patient, *, feedback_form=None, status=200):
    data = load_review(patient, timezone.now())
    context = {
        "patient": patient,
        "data": data,
        "calendar_weeks": _calendar(data),
        "timeline": _timeline(data),
        "feedback_form": feedback_form or FeedbackForm(),
        "last_days": LAST_DAYS,
        **_charts(data),
    }
    return render(request, "review/patient_review.html", context, status=status)


@require_GET
def patient_review(request, pk: int):
    patient = clinic_patient(request, pk)
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    return _review_page(request, patient)


@require_POST
def review_mark_seen(request, pk: int):
    patient = clinic_patient(request, pk)
    form = SeenForm(request.POST, patient=patient)
    if not form.is_valid():
        return HttpResponseBadRequest("Those reports could not be found. Reload the page.")
    shown = [report.pk for report in form.cleaned_data["reports"]]
    with transaction.atomic():
        newly_seen = list(
            patient.side_effect_reports.unseen().filter(pk__in=shown).select_for_update()
        )
        mark_side_effects_seen(patient, by=request.user, only=[r.pk for r in newly_seen])
        for report in newly_seen:
            audit.record(request, "update", report, clinic_id=patient.clinic_id)
    if newly_seen:
        messages.success(request, "Marked as seen. The flag is cleared.")
    else:
        messages.info(request, "Those reports were already marked as seen.")
    return redirect("patient-review", patient.pk)


@require_POST
def review_feedback(request, pk: int):
    patient = clinic_patient(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _review_page(request, patient, feedback_form=form)
    with transaction.atomic():
        feedback = form.save(commit=False)
        feedback.patient = patient
        feedback.plan = patient.plans.current().first() or patient.plans.first()
        feedback.author = request.user
        feedback.save()
        audit.record(request, "create", feedback, clinic_id=patient.clinic_id)
    messages.success(request, f"Sent. {patient.full_name} sees it on their Today page.")
    return redirect("patient-review", patient.pk)


# --- The pre-visit summary ------------------------------------------------------------

# The summary fits on one sheet: it shows the latest notes and side effects,
# shortened, and points to the review page for the rest.
SUMMARY_NOTES = 5
SUMMARY_SIDE_EFFECTS = 5


@require_GET
def patient_summary(request, pk: int):
    patient = clinic_patient(request, pk)
    audit.record(request, "view", patient, clinic_id=patient.clinic_id)
    data = load_review(patient, timezone.now())
    notes = data.notes
    return render(
        request,
        "review/patient_summary.html",
        {
            "patient": patient,
            "data": data,
            "last_days": LAST_DAYS,
            "pain_before": pain_change([log.pain_before for log in data.logs]),
            "pain_after": pain_change([log.pain_after for log in data.logs]),
            "notes": notes[-SUMMARY_NOTES:],
            "more_notes": max(len(notes) - SUMMARY_NOTES, 0),
            "side_effects": data.reports[-SUMMARY_SIDE_EFFECTS:],
            "more_side_effects": max(len(data.reports) - SUMMARY_SIDE_EFFECTS, 0),
            "next_stages": [data.next_stage] if data.next_stage else [],
            "printed_at": timezone.localtime(),
        },
    )


# --- CSV export ------------------------------------------------------------------------

CSV_HEADER = [
    "date",
    "routine",
    "plan_first_day",
    "plan_week",
    "stage",
    "position",
    "surface",
    "clothing",
    "planned_minutes",
    "done",
    "ticked_off_at",
    "minutes_done",
    "pain_before",
    "pain_after",
    "relaxation",
    "sensations",
    "side_effects",
    "note",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """The value as text, defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _reports_by_day(patient: Patient) -> dict[date, list[str]]:
    found: dict[date, list[str]] = {}
    for report in patient.side_effect_reports.order_by("reported_at"):
        names = ", ".join(report.symptom_names) or "In their own words"
        found.setdefault(report.day, []).append(
            f"{names}: {report.details}" if report.details else names
        )
    return found


@require_GET
def patient_export(request, pk: int):
    """Every planned session of every plan, one row each, oldest first, with
    what the patient logged; dates in ISO 8601, times in the patient's zone."""
    patient = clinic_patient(request, pk)
    today = patient_today(patient)
    sessions = (
        PlannedSession.objects.filter(patient=patient)
        .select_related("plan", "log")
        .order_by("date")
    )
    reports = _reports_by_day(patient)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="patient-{patient.pk}-mat-sessions-{today.isoformat()}.csv"'
            ),
            "Cache-Control": "no-store",
        },
    )
    # A byte-order mark, so that spreadsheet programs read the text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for session in sessions:
        log = getattr(session, "log", None)
        if log is not None:
            done = "yes"
        elif session.date < today:
            done = "no"
        else:
            done = "not yet"
        writer.writerow(
            csv_cell(value)
            for value in [
                session.date.isoformat(),
                session.plan.template_name,
                session.plan.start_date.isoformat(),
                session.week,
                session.stage_order + 1,
                session.position,
                session.get_surface_display(),
                session.get_clothing_display(),
                session.minutes,
                done,
                timezone.localtime(log.logged_at, patient.zone).isoformat(timespec="minutes")
                if log
                else None,
                log.minutes_done if log else None,
                log.pain_before if log else None,
                log.pain_after if log else None,
                log.relaxation if log else None,
                "; ".join(log.sensation_labels()) if log else None,
                "; ".join(reports.get(session.date, [])),
                log.note if log else None,
            ]
        )
    audit.record(request, "export", patient, clinic_id=patient.clinic_id)
    return response
