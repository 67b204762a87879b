"""Reading the audit trail in the site: a clinic admin's page of their
clinic's rows (filtered by person, patient, action and dates, paginated in
the database) and a patient's page of who has looked at their record.

Each row is put into words from ids and the people's names only: nothing a
patient said or scored is in the trail, so nothing of it can be shown here.
Reading the trail is not itself recorded: the rows hold no health data and a
row per read would bury the reads that matter.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from accounts.bounds import BoundedDateField
from accounts.forms import PlainLabelsMixin
from accounts.models import AuditEvent, Clinic, Membership, Patient, User
from clinic.patients.own_data import about_patient
from clinic.reminders import feed

Action = AuditEvent.Action
ROWS_PER_PAGE = 50
PATIENT_ROWS_PER_PAGE = 25

# What each kind of object is called in a sentence ("viewed patient #12").
OBJECT_WORDS = {
    "accounts.patient": "patient",
    "accounts.user": "account",
    "accounts.clinic": "clinic",
    "accounts.membership": "membership",
    "accounts.invitation": "invitation",
    "accounts.deletionrequest": "request to delete an account",
    "accounts.sendingwindow": "email limit",
    "plans.plan": "plan",
    "plans.clearance": "clearance",
    "plans.screening": "safety answers",
    "plans.screeningconfirmation": "confirmation of changed answers",
    "plans.plannedsession": "planned session",
    "usage.sessionlog": "session log",
    "usage.sideeffectreport": "side-effect report",
    "usage.feedback": "message to a patient",
    "visits.appointment": "visit",
    "mats.safetyacknowledgement": "reading of the safety guidance",
    "notifications.remindersettings": "reminder choices",
    "reminders.calendarfeed": "calendar address",
}
VERBS = {
    Action.VIEW: "viewed",
    Action.CREATE: "created",
    Action.UPDATE: "changed",
    Action.DELETE: "deleted",
    Action.INVITE: "invited",
    Action.EXPORT: "exported",
    Action.REFUSE: "was refused",
}
ROLE_WORDS = {
    Membership.Role.PRACTITIONER: "practitioner",
    Membership.Role.CLINIC_ADMIN: "clinic admin",
    "patient": "patient",
    "staff": "site staff",
}


def role_word(user: User | None) -> str:
    if user is None:
        return ""
    membership = getattr(user, "membership", None)
    if membership is not None:
        return ROLE_WORDS[membership.role]
    if getattr(user, "patient", None) is not None:
        return ROLE_WORDS["patient"]
    return ROLE_WORDS["staff"] if user.is_staff else ""


def name_of(user: User | None) -> str:
    if user is None:
        return "The site"
    return user.full_name or f"Account #{user.pk}"


def _thing(event: AuditEvent) -> str:
    words = OBJECT_WORDS.get(event.object_type, event.object_type)
    return f"{words} #{event.object_id}" if event.object_id is not None else words


def sentence(event: AuditEvent) -> str:
    """The row in words, e.g. "Alice Practitioner viewed patient #12"."""
    if feed.is_fetch(event):
        return f"A calendar app fetched the planned sessions of patient #{event.object_id}"
    who = name_of(event.actor)
    if event.action == Action.LIST:
        if event.object_type == "accounts.clinic":
            shown = f"{event.count} patient{'' if event.count == 1 else 's'}"
            return f"{who} listed {shown} on the patient list"
        return f"{who} listed {event.count} {_thing(event)} rows in the admin"
    if event.action == Action.SIGN_IN_FAILED:
        if event.object_id is None:
            return "Someone failed to sign in with an address that has no account"
        return f"A sign-in to account #{event.object_id} failed"
    if event.action in (Action.SIGN_IN, Action.SIGN_OUT):
        return f"{who} {'signed in' if event.action == Action.SIGN_IN else 'signed out'}"
    verb = VERBS.get(event.action, event.get_action_display().lower() + ":")
    return f"{who} {verb} {_thing(event)}"


@dataclass(frozen=True)
class Line:
    event: AuditEvent
    words: str
    role: str
    at: datetime  # in the reader's zone


def lines(page: Page, zone: zoneinfo.ZoneInfo) -> list[Line]:
    return [
        Line(
            event=event,
            words=sentence(event),
            role=role_word(event.actor),
            at=event.at.astimezone(zone),
        )
        for event in page.object_list
    ]


# --- The clinic admin's page -------------------------------------------------------------


class TrailFilterForm(PlainLabelsMixin, forms.Form):
    """The page's query string. Every field is optional; a bad value is a 400."""

    person = forms.ModelChoiceField(
        label="Person", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    patient = forms.ModelChoiceField(
        label="About patient", queryset=Patient.objects.none(), required=False, empty_label="Any"
    )
    action = forms.ChoiceField(
        label="What they did", choices=[("", "Anything"), *Action.choices], required=False
    )
    since = BoundedDateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = BoundedDateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        people = self.fields["person"]
        people.queryset = (
            User.objects.filter(Q(membership__clinic=clinic) | Q(patient__clinic=clinic))
            .select_related("membership", "patient")
            .order_by("full_name", "pk")
        )
        people.label_from_instance = lambda user: f"{name_of(user)} ({role_word(user)})"
        patients = self.fields["patient"]
        patients.queryset = Patient.objects.filter(clinic=clinic).order_by("full_name", "pk")
        patients.label_from_instance = lambda patient: f"{patient.full_name} (#{patient.pk})"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date. Swap them round.")
        return cleaned


def _start_of(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def clinic_trail(clinic: Clinic, filters: dict) -> QuerySet:
    """The clinic's rows, newest first, narrowed by the form's cleaned values.

    ``person``: rows where they acted, or about their account (a failed
    sign-in names the account, not an actor). ``patient``: rows about their
    record or any of their rows (``about_patient``). Dates are the clinic's
    calendar days, both ends included.
    """
    rows = AuditEvent.objects.filter(clinic=clinic)
    if person := filters.get("person"):
        rows = rows.filter(
            Q(actor=person) | Q(object_type=User._meta.label_lower, object_id=person.pk)
        )
    if patient := filters.get("patient"):
        rows = rows.filter(about_patient(patient.pk))
    if action := filters.get("action"):
        rows = rows.filter(action=action)
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    if since := filters.get("since"):
        rows = rows.filter(at__gte=_start_of(since, zone))
    if until := filters.get("until"):
        rows = rows.filter(at__lt=_start_of(until + timedelta(days=1), zone))
    return rows.select_related("actor__membership", "actor__patient").order_by("-at", "-pk")


def trail_page(rows: QuerySet, number: int | None, per_page: int = ROWS_PER_PAGE) -> Page:
    """One page of ``rows``, counted and sliced by the database."""
    return Paginator(rows, per_page).get_page(number or 1)


# --- The patient's page ------------------------------------------------------------------


def patient_trail(patient: Patient) -> QuerySet:
    """Rows about the patient's record, newest first."""
    return (
        AuditEvent.objects.filter(about_patient(patient.pk))
        .select_related("actor__membership", "actor__patient")
        .order_by("-at", "-pk")
    )


# A calendar app holding the feed's address fetches the sessions' dates and
# minutes without signing in: the patient set it up, so it is named as theirs.
CALENDAR_APP_READ = "Your calendar app fetched your planned sessions"


def patient_sentence(event: AuditEvent, patient: Patient) -> str:
    """A row about the patient's record, said to the patient."""
    from clinic.patients.own_data_files import RECORD_WORDS

    if feed.is_fetch(event):
        return CALENDAR_APP_READ
    what = RECORD_WORDS.get(event.object_type, "part of your record")
    mine = event.actor_id is not None and event.actor_id == patient.user_id
    who = "You" if mine else name_of(event.actor)
    if event.action == Action.REFUSE:
        return f"{who} tried to open {what} and was refused"
    return f"{who} {VERBS.get(event.action, event.get_action_display().lower())} {what}"


def patient_lines(page: Page, patient: Patient) -> list[Line]:
    zone = patient.zone
    return [
        Line(
            event=event,
            words=patient_sentence(event, patient),
            role="" if event.actor_id == patient.user_id else role_word(event.actor),
            at=event.at.astimezone(zone),
        )
        for event in page.object_list
    ]
