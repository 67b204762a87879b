"""What the reminders pages show, read in one call per page: the patient's
Settings page and the practitioner's notification settings."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import DeletionRequest, Membership, Patient
from clinic.notifications.models import ReminderSettings
from clinic.notifications.preferences import practitioner_notifications
from clinic.reminders import feed
from clinic.reminders.forms import (
    PractitionerNotificationsForm,
    ReminderSettingsForm,
    as_on_off,
)
from clinic.usage.forms import TimeZoneForm


def reminders_form(patient: Patient, data=None) -> ReminderSettingsForm:
    """As posted, or showing what the patient chose (the defaults if they never did)."""
    chosen = ReminderSettings.objects.filter(patient=patient).first() or ReminderSettings()
    return ReminderSettingsForm(
        data,
        initial={
            "reminders_on": as_on_off(chosen.reminders_on),
            "remind_at": chosen.remind_at,
            "nudge_on": as_on_off(chosen.nudge_on),
        },
    )


def time_zone_form(patient: Patient, data=None) -> TimeZoneForm:
    return TimeZoneForm(
        data, initial={"time_zone": patient.time_zone}, clinic_zone=patient.clinic.time_zone
    )


@dataclass(frozen=True)
class SettingsPage:
    reminders: ReminderSettings | None  # as saved; None: never chosen
    reminders_form: ReminderSettingsForm
    time_zone_form: TimeZoneForm
    zone: str  # the zone the patient's days (and reminders) follow
    now: datetime  # in that zone
    feed: feed.FeedSection
    # The patient's latest request that the clinic delete their account: open
    # (they may withdraw it), handled (the clinic dealt with it), or None.
    deletion_request: DeletionRequest | None


def settings_page(
    patient: Patient,
    *,
    reminders: ReminderSettingsForm | None = None,
    time_zone: TimeZoneForm | None = None,
) -> SettingsPage:
    """The Settings page, with a posted form (and its errors) in place of a fresh one."""
    return SettingsPage(
        reminders=ReminderSettings.objects.filter(patient=patient).first(),
        reminders_form=reminders or reminders_form(patient),
        time_zone_form=time_zone or time_zone_form(patient),
        zone=patient.zone.key,
        now=timezone.localtime(timezone=patient.zone),
        feed=feed.section(patient),
        deletion_request=DeletionRequest.objects.filter(
            patient=patient, withdrawn_at__isnull=True
        ).first(),
    )


@dataclass(frozen=True)
class NotificationsPage:
    form: PractitionerNotificationsForm
    clinic_zone: str
    email: str  # where the email goes


def notifications_form(membership: Membership, data=None) -> PractitionerNotificationsForm:
    chosen = practitioner_notifications(membership)
    return PractitionerNotificationsForm(
        data,
        initial={
            "report_alerts": as_on_off(chosen.report_alerts),
            "digest_on": as_on_off(chosen.digest_on),
            "digest_at": chosen.digest_at,
        },
    )


def notifications_page(
    membership: Membership, form: PractitionerNotificationsForm | None = None
) -> NotificationsPage:
    return NotificationsPage(
        form=form or notifications_form(membership),
        clinic_zone=membership.clinic.time_zone,
        email=membership.user.email,
    )
