"""One patient's sessions as a spreadsheet: every planned session of every
plan, one row each, oldest first, with what the patient logged. Dates in ISO
8601, times in the patient's zone; cells a spreadsheet would run as a
formula are defused."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.models import PlannedSession
from clinic.usage.models import SessionLog

HEADER = (
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
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SessionExport:
    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # every cell as text, defused


def csv_cell(value) -> str:
    """The value as text, defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def session_export(patient: Patient) -> SessionExport:
    today = patient_today(patient)
    sessions = (
        PlannedSession.objects.filter(patient=patient)
        .select_related("plan", "log")
        .order_by("date")
    )
    reports = _reports_by_day(patient)
    return SessionExport(
        filename=f"patient-{patient.pk}-mat-sessions-{today.isoformat()}.csv",
        header=HEADER,
        rows=tuple(
            tuple(csv_cell(value) for value in _row(session, patient, today, reports))
            for session in sessions
        ),
    )


def done(session: PlannedSession, log: SessionLog | None, today: date) -> str:
    """Ticked off ("yes"), its day passed without a tick ("no"), or "not yet"."""
    if log is not None:
        return "yes"
    return "no" if session.date < today else "not yet"


def _row(
    session: PlannedSession, patient: Patient, today: date, reports: dict[date, list[str]]
) -> list:
    log = getattr(session, "log", None)
    return [
        session.date.isoformat(),
        session.plan.template_name,
        session.plan.start_date.isoformat(),
        session.week,
        session.stage_order + 1,
        session.position,
        session.get_surface_display(),
        session.get_clothing_display(),
        session.minutes,
        done(session, log, today),
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


def _reports_by_day(patient: Patient) -> dict[date, list[str]]:
    found: dict[date, list[str]] = {}
    for report in patient.side_effect_reports.order_by("reported_at"):
        names = ", ".join(report.symptom_names) or "In their own words"
        found.setdefault(report.day, []).append(
            f"{names}: {report.details}" if report.details else names
        )
    return found
