"""The patient's own data as two files: a JSON document for programs and a
CSV for people. Both come from ``own_data.OwnData`` and read nothing more.

JSON: one object with stable keys (``schema``, ``schema_version``, then one
key per section), dates as ``YYYY-MM-DD`` and instants in ISO 8601 with the
offset of the patient's zone, values as stored (choices by their words).
A change that renames or removes a key raises ``SCHEMA_VERSION``.

CSV: one file in blocks, one block per section in the order of the JSON:
a row with the section's title, a row of column names, its rows, then an
empty row. People open it in a spreadsheet and read it top to bottom; a
single table with a "section" column would put every kind of row under the
columns of every other, mostly empty, and the JSON already serves programs.
Every row still parses as CSV. Cells are defused as in the clinic's export
(``clinic.review.export.csv_cell``): text a spreadsheet would run as a
formula starts with an apostrophe.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from accounts.models import AuditEvent, Membership, User
from clinic.patients.own_data import OwnData
from clinic.plans.models import Plan, PlannedSession, Screening
from clinic.reminders import feed
from clinic.review.export import csv_cell, done

SCHEMA = "mat-companion.patient-data"
SCHEMA_VERSION = 1

# What an audit row is about, in words, by the row's type.
RECORD_WORDS = {
    "accounts.patient": "your record",
    "accounts.invitation": "an invitation to the site",
    "accounts.deletionrequest": "your request to delete your account",
    "plans.plan": "a mat plan",
    "plans.clearance": "a clearance on a plan",
    "plans.screening": "your answers to the safety questions",
    "plans.screeningconfirmation": "a confirmation of changed answers",
    "usage.sessionlog": "a session you ticked off",
    "usage.sideeffectreport": "a side-effect report",
    "usage.feedback": "a message from your practitioner",
    "visits.appointment": "a visit",
    "mats.safetyacknowledgement": "your reading of the safety guidance",
    "notifications.remindersettings": "your reminder choices",
    "reminders.calendarfeed": "your calendar address",
}
ROLE_WORDS = {
    "you": "You",
    Membership.Role.PRACTITIONER: "Practitioner",
    Membership.Role.CLINIC_ADMIN: "Clinic admin",
    "staff": "Site staff",
    "site": "The site itself (or an account since removed)",
    "calendar": "Your calendar app",
}


# --- Values -------------------------------------------------------------------------------


def _instant(value: datetime | None, data: OwnData) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, data.patient.zone).isoformat(timespec="seconds")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _name(user: User | None) -> str | None:
    """Someone at the clinic, by name (their address is theirs, not the patient's)."""
    if user is None:
        return None
    return user.full_name or "Someone at the clinic"


# --- The JSON document ---------------------------------------------------------------------


def document(data: OwnData) -> dict:
    patient = data.patient
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "exported_at": _instant(data.now, data),
        "time_zone": patient.zone.key,
        "account": _account(data),
        "plans": [_plan(plan, data) for plan in data.plans],
        "side_effect_reports": [
            {
                "id": report.pk,
                "day": _day(report.day),
                "reported_at": _instant(report.reported_at, data),
                "signs": report.symptom_names,
                "in_your_own_words": report.details,
                "paused_the_plan": report.pauses_plan,
                "plan_id": report.plan_id,
                "safety_version": report.safety_version_number,
                "seen_by_practitioner_at": _instant(report.seen_at, data),
            }
            for report in data.side_effect_reports
        ],
        "safety_screenings": [_screening(screening, data) for screening in data.screenings],
        "safety_acknowledgements": [
            {"version": ack.version.number, "read_at": _instant(ack.acknowledged_at, data)}
            for ack in data.safety_acknowledgements
        ],
        "reminders": _reminders(data),
        "reminders_sent": [
            {
                "kind": sent.get_kind_display(),
                "day": _day(sent.day),
                "at": _instant(sent.created_at, data),
            }
            for sent in data.reminders_sent
        ],
        "calendar_feed": (
            {
                "made_at": _instant(data.calendar_feed.created_at, data),
                "address_changed_at": _instant(data.calendar_feed.reset_at, data),
            }
            if data.calendar_feed
            else None
        ),
        "visits": [
            {
                "starts_at": _instant(visit.starts_at, data),
                "note": visit.note,
                "recorded_by": _name(visit.recorded_by),
                "recorded_at": _instant(visit.recorded_at, data),
            }
            for visit in data.visits
        ],
        "feedback": [
            {
                "at": _instant(message.created_at, data),
                "from": _name(message.author),
                "message": message.message,
                "plan_id": message.plan_id,
            }
            for message in data.feedback
        ],
        "invitations": [
            {
                "sent_at": _instant(invitation.created_at, data),
                "expires_at": _instant(invitation.expires_at, data),
                "used_at": _instant(invitation.used_at, data),
            }
            for invitation in data.invitations
        ],
        "deletion_requests": [
            {
                "requested_at": _instant(request.requested_at, data),
                "message": request.message,
                "withdrawn_at": _instant(request.withdrawn_at, data),
                "handled_at": _instant(request.handled_at, data),
                "handled_by": _name(request.handled_by),
            }
            for request in data.deletion_requests
        ],
        "record_access": [_access(event, data) for event in data.record_access],
    }


def _account(data: OwnData) -> dict:
    patient = data.patient
    user = patient.user
    return {
        "name": patient.full_name,
        "email": patient.email,
        "time_zone_chosen": patient.time_zone or None,
        "clinic": patient.clinic.name,
        "clinic_time_zone": patient.clinic.time_zone,
        "practitioner": _name(patient.primary_practitioner.user),
        "record_created_at": _instant(patient.created_at, data),
        "account_created_at": _instant(user.date_joined, data) if user else None,
        "last_signed_in_at": _instant(user.last_login, data) if user else None,
    }


def _plan(plan: Plan, data: OwnData) -> dict:
    return {
        "id": plan.pk,
        "routine": plan.template_name,
        "first_day": _day(plan.start_date),
        "last_day": _day(plan.end_date),
        "status": plan.get_status_display(),
        "assigned_by": _name(plan.created_by),
        "assigned_at": _instant(plan.created_at, data),
        "note_for_you": plan.note_for_patient,
        "paused_on": _day(plan.paused_on),
        "pause_reason": plan.pause_reason,
        "ended_on": _day(plan.ended_on),
        "ended_reason": plan.ended_reason,
        "stages": [
            {
                "stage": stage.order + 1,
                "week_from": stage.week_from,
                "week_to": stage.week_to,
                "surface": stage.get_surface_display(),
                "clothing": stage.get_clothing_display(),
                "minutes_min": stage.minutes_min,
                "minutes_max": stage.minutes_max,
                "sessions_per_week": stage.sessions_per_week,
                "goal": stage.goal,
                "positions": list(stage.positions),
            }
            for stage in plan.stages.all()
        ],
        "clearances": [
            {
                "contraindication": clearance.name,
                "reason": clearance.reason,
                "cleared_by": _name(clearance.cleared_by),
                "cleared_at": _instant(clearance.cleared_at, data),
                "safety_version": clearance.safety_version_number,
            }
            for clearance in plan.clearances.all()
        ],
        "sessions": [_session(session, data) for session in plan.sessions.all()],
    }


def _session(session: PlannedSession, data: OwnData) -> dict:
    log = getattr(session, "log", None)
    return {
        "date": _day(session.date),
        "week": session.week,
        "stage": session.stage_order + 1,
        "position": session.position,
        "surface": session.get_surface_display(),
        "clothing": session.get_clothing_display(),
        "minutes": session.minutes,
        "done": done(session, log, data.today),
        "log": (
            {
                "ticked_off_at": _instant(log.logged_at, data),
                "minutes_done": log.minutes_done,
                "pain_before": log.pain_before,
                "pain_after": log.pain_after,
                "relaxation": log.relaxation,
                "sensations": log.sensation_labels(),
                "note": log.note,
            }
            if log
            else None
        ),
    }


def _screening(screening: Screening, data: OwnData) -> dict:
    confirmation = getattr(screening, "confirmation", None)
    return {
        "taken_at": _instant(screening.taken_at, data),
        "how": screening.get_source_display(),
        "recorded_by": _name(screening.recorded_by),
        "safety_version": screening.safety_version_number,
        "answers": [
            {
                "question": answer.question,
                "answer": "yes" if answer.answer else "no",
                "took_back_an_earlier_yes": answer.withdraws_yes,
            }
            for answer in screening.answers.all()
        ],
        "change_confirmed_at": _instant(confirmation.confirmed_at, data) if confirmation else None,
        "change_confirmed_by": _name(confirmation.confirmed_by) if confirmation else None,
    }


def _reminders(data: OwnData) -> dict | None:
    chosen = data.reminder_settings
    if chosen is None:
        return None
    return {
        "reminders_on": chosen.reminders_on,
        "remind_at": _clock(chosen.remind_at),
        "nudge_on": chosen.nudge_on,
        "offer_answered_at": _instant(chosen.offer_answered_at, data),
        "changed_at": _instant(chosen.changed_at, data),
    }


def _role(event: AuditEvent, data: OwnData) -> str:
    actor = event.actor
    if feed.is_fetch(event):
        return "calendar"
    if actor is None:
        return "site"
    if actor.pk == data.patient.user_id:
        return "you"
    membership = getattr(actor, "membership", None)
    if membership is not None:
        return membership.role
    return "staff"


def _access(event: AuditEvent, data: OwnData) -> dict:
    role = _role(event, data)
    what = RECORD_WORDS.get(event.object_type, "part of your record")
    if role == "calendar":
        what = "your planned sessions"
    return {
        "at": _instant(event.at, data),
        "who": ROLE_WORDS[role] if role in ("you", "calendar") else _name(event.actor),
        "role": role,
        "action": event.action,
        "what": f"{event.get_action_display()} {what}",
        "page": event.path,
    }


def json_text(data: OwnData) -> str:
    return json.dumps(document(data), ensure_ascii=False, indent=2) + "\n"


# --- The CSV -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    title: str
    header: tuple[str, ...]
    rows: list[tuple]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def blocks(data: OwnData) -> list[Block]:
    """The sections as the CSV shows them, sessions first after the account:
    they are what most people open the file for."""
    doc = document(data)
    account = doc["account"]
    plans = doc["plans"]
    return [
        Block(
            "About this file",
            ("Field", "Value"),
            [
                ("Exported at", doc["exported_at"]),
                ("Times are in", doc["time_zone"]),
                ("Format", f"{SCHEMA} version {SCHEMA_VERSION}"),
            ],
        ),
        Block(
            "Your account",
            ("Field", "Value"),
            [
                ("Name", account["name"]),
                ("Email", account["email"]),
                ("Time zone you chose", account["time_zone_chosen"] or "none (the clinic's)"),
                ("Clinic", account["clinic"]),
                ("Clinic's time zone", account["clinic_time_zone"]),
                ("Practitioner", account["practitioner"]),
                ("Record made at", account["record_created_at"]),
                ("Account made at", account["account_created_at"]),
                ("Last signed in at", account["last_signed_in_at"]),
            ],
        ),
        Block(
            "Sessions",
            (
                "Date",
                "Routine",
                "Plan's first day",
                "Week",
                "Stage",
                "Position",
                "Surface",
                "Clothing",
                "Minutes planned",
                "Done",
                "Ticked off at",
                "Minutes done",
                "Pain before (0-10)",
                "Pain after (0-10)",
                "Relaxation (0-10)",
                "Sensations",
                "Note",
            ),
            [
                (
                    session["date"],
                    plan["routine"],
                    plan["first_day"],
                    session["week"],
                    session["stage"],
                    session["position"],
                    session["surface"],
                    session["clothing"],
                    session["minutes"],
                    session["done"],
                    *(
                        (
                            log["ticked_off_at"],
                            log["minutes_done"],
                            log["pain_before"],
                            log["pain_after"],
                            log["relaxation"],
                            "; ".join(log["sensations"]),
                            log["note"],
                        )
                        if (log := session["log"])
                        else (None,) * 7
                    ),
                )
                for plan in plans
                for session in plan["sessions"]
            ],
        ),
        Block(
            "Plans",
            (
                "Routine",
                "First day",
                "Last day",
                "Status",
                "Assigned by",
                "Assigned at",
                "Note for you",
                "Paused on",
                "Why paused",
                "Ended on",
                "Why ended",
            ),
            [
                (
                    plan["routine"],
                    plan["first_day"],
                    plan["last_day"],
                    plan["status"],
                    plan["assigned_by"],
                    plan["assigned_at"],
                    plan["note_for_you"],
                    plan["paused_on"],
                    plan["pause_reason"],
                    plan["ended_on"],
                    plan["ended_reason"],
                )
                for plan in plans
            ],
        ),
        Block(
            "Plan stages",
            (
                "Routine",
                "Plan's first day",
                "Stage",
                "From week",
                "To week",
                "Surface",
                "Clothing",
                "Minutes (fewest)",
                "Minutes (most)",
                "Sessions a week",
                "Goal",
                "Positions",
            ),
            [
                (
                    plan["routine"],
                    plan["first_day"],
                    stage["stage"],
                    stage["week_from"],
                    stage["week_to"] if stage["week_to"] is not None else "onwards",
                    stage["surface"],
                    stage["clothing"],
                    stage["minutes_min"],
                    stage["minutes_max"],
                    stage["sessions_per_week"],
                    stage["goal"],
                    "; ".join(stage["positions"]),
                )
                for plan in plans
                for stage in plan["stages"]
            ],
        ),
        Block(
            "Clearances on plans",
            ("Routine", "Plan's first day", "Contraindication", "Reason", "Cleared by", "At"),
            [
                (
                    plan["routine"],
                    plan["first_day"],
                    clearance["contraindication"],
                    clearance["reason"],
                    clearance["cleared_by"],
                    clearance["cleared_at"],
                )
                for plan in plans
                for clearance in plan["clearances"]
            ],
        ),
        Block(
            "Side-effect reports",
            ("Day", "Reported at", "Signs", "In your own words", "Paused the plan", "Seen at"),
            [
                (
                    report["day"],
                    report["reported_at"],
                    "; ".join(report["signs"]),
                    report["in_your_own_words"],
                    _yes_no(report["paused_the_plan"]),
                    report["seen_by_practitioner_at"],
                )
                for report in doc["side_effect_reports"]
            ],
        ),
        Block(
            "Safety questions",
            (
                "Answered at",
                "How",
                "Recorded by",
                "Safety version",
                "Question",
                "Answer",
                "Took back an earlier yes",
            ),
            [
                (
                    screening["taken_at"],
                    screening["how"],
                    screening["recorded_by"],
                    screening["safety_version"],
                    answer["question"],
                    answer["answer"],
                    _yes_no(answer["took_back_an_earlier_yes"]),
                )
                for screening in doc["safety_screenings"]
                for answer in screening["answers"]
            ],
        ),
        Block(
            "Safety guidance read",
            ("Version", "Read at"),
            [(ack["version"], ack["read_at"]) for ack in doc["safety_acknowledgements"]],
        ),
        Block("Reminder choices", ("Field", "Value"), _reminder_rows(doc)),
        Block(
            "Reminders sent",
            ("Kind", "For the day", "Sent at"),
            [(sent["kind"], sent["day"], sent["at"]) for sent in doc["reminders_sent"]],
        ),
        Block(
            "Visits",
            ("Date and time", "Note", "Recorded by", "Recorded at"),
            [
                (visit["starts_at"], visit["note"], visit["recorded_by"], visit["recorded_at"])
                for visit in doc["visits"]
            ],
        ),
        Block(
            "Messages from your practitioner",
            ("At", "From", "Message"),
            [(message["at"], message["from"], message["message"]) for message in doc["feedback"]],
        ),
        Block(
            "Invitations",
            ("Sent at", "Link worked until", "Used at"),
            [
                (invitation["sent_at"], invitation["expires_at"], invitation["used_at"])
                for invitation in doc["invitations"]
            ],
        ),
        Block(
            "Requests to delete your account",
            ("Asked at", "Your message", "Withdrawn at", "Handled at", "Handled by"),
            [
                (
                    request["requested_at"],
                    request["message"],
                    request["withdrawn_at"],
                    request["handled_at"],
                    request["handled_by"],
                )
                for request in doc["deletion_requests"]
            ],
        ),
        Block(
            "Who opened or changed your record",
            ("At", "Who", "Role", "What", "Page"),
            [
                (
                    access["at"],
                    access["who"],
                    ROLE_WORDS[access["role"]],
                    access["what"],
                    access["page"],
                )
                for access in doc["record_access"]
            ],
        ),
    ]


def _reminder_rows(doc: dict) -> list[tuple]:
    chosen = doc["reminders"]
    feed = doc["calendar_feed"]
    rows: list[tuple] = []
    if chosen is None:
        rows.append(("Reminder emails", "never chosen (off)"))
    else:
        rows += [
            ("Reminder emails", "on" if chosen["reminders_on"] else "off"),
            ("Time of the reminder", chosen["remind_at"]),
            ("Nudge after two missed sessions", "on" if chosen["nudge_on"] else "off"),
            ("Last changed at", chosen["changed_at"]),
        ]
    rows.append(("Calendar address made at", feed["made_at"] if feed else "never made"))
    if feed and feed["address_changed_at"]:
        rows.append(("Calendar address last changed at", feed["address_changed_at"]))
    return rows


def csv_text(data: OwnData) -> str:
    """The blocks as CSV text, every cell defused, with a byte-order mark so
    that spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for block in blocks(data):
        writer.writerow([csv_cell(block.title)])
        writer.writerow([csv_cell(name) for name in block.header])
        if not block.rows:
            writer.writerow(["(none)"])
        writer.writerows([csv_cell(value) for value in row] for row in block.rows)
        writer.writerow([])
    return out.getvalue()
