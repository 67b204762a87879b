"""Everything the review page and the printable summary show, each from one
call: ``review_page`` and ``summary_page`` read the patient's review
(``clinic.review.queries.load_review``) and lay it out: the week-by-week
calendar, the timeline of notes and side effects, the charts with their
tables, the summary's shortened lists. Views render what these return.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from accounts.models import Patient
from clinic.review import charts
from clinic.review.plan_review import LAST_DAYS, PainChange, WeekAdherence, pain_change
from clinic.review.queries import PatientReview, StageRow, load_review
from clinic.usage import plan_calendar
from clinic.usage.models import SessionLog, SideEffectReport

# Pain before and after: different markers and line styles, not colour alone.
PAIN_SERIES = (
    ("before", "Pain before", charts.CIRCLE, False),
    ("after", "Pain after", charts.SQUARE, True),
)
# The summary fits on one sheet: it shows the latest notes and side effects,
# shortened, and points to the review page for the rest.
SUMMARY_NOTES = 5
SUMMARY_SIDE_EFFECTS = 5


@dataclass(frozen=True)
class CalendarWeek:
    """One plan week of the calendar: its days, planned against done."""

    week: plan_calendar.Week
    adherence: WeekAdherence | None
    padding: range  # empty cells that keep the columns of a short last week


@dataclass(frozen=True)
class TimelineEntry:
    """A note the patient wrote or a side effect they reported."""

    day: date
    log: SessionLog | None = None
    report: SideEffectReport | None = None


@dataclass(frozen=True)
class ReviewPage:
    data: PatientReview
    calendar: tuple[CalendarWeek, ...]
    timeline: tuple[TimelineEntry, ...]  # oldest first
    pain_chart: charts.Chart | None  # None when there is no score to draw
    relaxation_chart: charts.Chart | None
    last_days: int = LAST_DAYS

    @property
    def patient(self) -> Patient:
        return self.data.patient


@dataclass(frozen=True)
class SummaryPage:
    data: PatientReview
    pain_before: PainChange | None
    pain_after: PainChange | None
    notes: tuple[SessionLog, ...]  # the latest, oldest first
    more_notes: int  # how many earlier ones the summary leaves out
    side_effects: tuple[SideEffectReport, ...]
    more_side_effects: int
    next_stages: tuple[StageRow, ...]  # the stage after this one, if the plan reaches it
    printed_at: datetime
    last_days: int = LAST_DAYS

    @property
    def patient(self) -> Patient:
        return self.data.patient


def review_page(patient: Patient, now: datetime) -> ReviewPage:
    """The review page, in ``load_review``'s fixed number of queries."""
    data = load_review(patient, now)
    pain, relaxation = _charts(data)
    return ReviewPage(
        data=data,
        calendar=_calendar(data),
        timeline=_timeline(data),
        pain_chart=pain,
        relaxation_chart=relaxation,
    )


def summary_page(patient: Patient, now: datetime) -> SummaryPage:
    """The printable pre-visit summary."""
    data = load_review(patient, now)
    notes = data.notes
    return SummaryPage(
        data=data,
        pain_before=pain_change([log.pain_before for log in data.logs]),
        pain_after=pain_change([log.pain_after for log in data.logs]),
        notes=tuple(notes[-SUMMARY_NOTES:]),
        more_notes=max(len(notes) - SUMMARY_NOTES, 0),
        side_effects=tuple(data.reports[-SUMMARY_SIDE_EFFECTS:]),
        more_side_effects=max(len(data.reports) - SUMMARY_SIDE_EFFECTS, 0),
        next_stages=(data.next_stage,) if data.next_stage else (),
        printed_at=timezone.localtime(now),
    )


def _charts(data: PatientReview) -> tuple[charts.Chart | None, charts.Chart | None]:
    """Pain before and after, and relaxation, over the plan so far."""
    if data.plan is None or not data.logs:
        return None, None
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
    return _drawn(pain), _drawn(relaxation)


def _drawn(chart: charts.Chart) -> charts.Chart | None:
    return None if chart.is_empty else chart


def _calendar(data: PatientReview) -> tuple[CalendarWeek, ...]:
    """Each plan week's days (planned against done) and its adherence."""
    plan = data.plan
    if plan is None:
        return ()
    reported: dict[date, list[str]] = {}
    for report in data.reports:
        reported.setdefault(report.day, []).extend(report.symptom_names or ["in their words"])
    days = plan_calendar.for_plan(plan, data.sessions, data.logs, reported, today=data.today)
    weeks = {week.number: week for week in data.weeks}
    return tuple(
        CalendarWeek(week, weeks.get(week.number), range(7 - len(week.days))) for week in days.weeks
    )


def _timeline(data: PatientReview) -> tuple[TimelineEntry, ...]:
    """The patient's notes and side effects, oldest first (a note before a
    side effect of the same day)."""
    notes = [TimelineEntry(day=log.day, log=log) for log in data.notes]
    reports = [TimelineEntry(day=report.day, report=report) for report in data.reports]
    return tuple(sorted(notes + reports, key=lambda entry: (entry.day, entry.report is not None)))
