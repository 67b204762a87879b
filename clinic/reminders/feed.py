"""The patient's private calendar feed: their planned mat sessions as an
iCalendar file (RFC 5545) that a calendar app subscribes to.

The address is ``calendar/<patient id>-<signature>.ics``. The signature is
Django's ``Signer`` (the site's secret key, a salt of its own) over
``"<patient id>:<CalendarFeed.secret>"``; the secret stays in the
database and never appears in the address. So the database alone cannot
build a working address, a changed id or signature finds nothing, and
resetting the feed (a new secret) turns the old address into a 404.

What a calendar shows on a lock screen or to whoever shares the calendar
is no place for health data: each event says "Mat session, N minutes",
nothing about the condition, the position, scores, side effects or notes.
The file is built with the ``icalendar`` library (folding, escaping and
time-zone definitions are its job, not ours).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from icalendar import Calendar, Event
from icalendar.prop import vDuration

from accounts.clock import patient_today
from accounts.models import AuditEvent, Patient
from clinic.notifications.models import DEFAULT_REMINDER_TIME, ReminderSettings
from clinic.plans.models import CURRENT_STATUSES, PlannedSession
from clinic.reminders.models import CalendarFeed

SALT = "clinic.reminders.feed"
# Sessions of plans that have ended stay in the calendar this long, so the
# patient can look back over the last few weeks; the current plan's all stay.
PAST_DAYS = 90
# How often a calendar app should fetch the feed again (apps that honour
# REFRESH-INTERVAL or X-PUBLISHED-TTL); the response may be cached this long.
REFRESH = timedelta(hours=1)
CACHE_SECONDS = 300


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def _signed_value(patient_id: int, secret: str) -> str:
    return f"{patient_id}:{secret}"


def token_for(feed: CalendarFeed) -> str:
    """``"<patient id>-<signature>"``: the feed's part of its address."""
    signature = _signer().signature(_signed_value(feed.patient_id, feed.secret))
    return f"{feed.patient_id}-{signature}"


def feed_for(token: str) -> CalendarFeed | None:
    """The feed ``token`` opens, with its patient, clinic and reminder settings
    loaded (one query); None for anything else, whatever was wrong with it."""
    patient_id, _, signature = token.partition("-")
    # isdecimal, not isdigit: "²" is a digit that int() refuses. One spelling
    # per id (no leading zeros), and none too long for the database's integers.
    if not patient_id.isdecimal() or len(patient_id) > 18 or not signature:
        return None
    if patient_id != str(int(patient_id)):
        return None
    feed = (
        CalendarFeed.objects.select_related(
            "patient__clinic", "patient__user", "patient__reminder_settings"
        )
        .filter(patient_id=int(patient_id))
        .first()
    )
    if feed is None:
        return None
    value = _signed_value(feed.patient_id, feed.secret)
    try:
        # unsign compares in constant time and accepts SECRET_KEY_FALLBACKS,
        # so rotating the site's key does not break every calendar at once.
        _signer().unsign(f"{value}{_signer().sep}{signature}")
    except signing.BadSignature:
        return None
    user = feed.patient.user
    # A patient whose account was switched off gets no more updates.
    if user is None or not user.is_active:
        return None
    return feed


def url_for(feed: CalendarFeed) -> str:
    """The feed's absolute https address (http in development)."""
    return settings.SITE_URL + reverse("calendar-feed", args=[token_for(feed)])


def audit_path() -> str:
    """The path a fetch's audit row keeps: the feed's address with the token
    masked, so the trail never holds a working key."""
    return reverse("calendar-feed", args=["hidden"])


def is_fetch(event: AuditEvent) -> bool:
    """Whether audit row ``event`` is a calendar app fetching the feed."""
    return (
        event.actor_id is None
        and event.action == AuditEvent.Action.VIEW
        and event.path == audit_path()
    )


def webcal(url: str) -> str:
    """The same address as ``webcal://``, which phones hand to their calendar app."""
    return "webcal://" + url.split("://", 1)[1]


# --- The settings page's section ---------------------------------------------------


@dataclass(frozen=True)
class FeedSection:
    """What the settings page shows about the feed."""

    https_url: str | None = None  # None: the patient has no feed yet
    webcal_url: str | None = None

    @property
    def exists(self) -> bool:
        return self.https_url is not None


def section(patient: Patient) -> FeedSection:
    feed = CalendarFeed.objects.filter(patient=patient).first()
    if feed is None:
        return FeedSection()
    url = url_for(feed)
    return FeedSection(https_url=url, webcal_url=webcal(url))


# --- The calendar itself -----------------------------------------------------------


def reminder_time(patient: Patient) -> time:
    """The time of day each session is shown at: the patient's reminder time."""
    try:
        return patient.reminder_settings.remind_at
    except ReminderSettings.DoesNotExist:
        return DEFAULT_REMINDER_TIME


def sessions_shown(patient: Patient, today: date) -> list[tuple[date, int]]:
    """(day, minutes) of every session the feed lists, in one query: the
    current plan's, and any others from ``PAST_DAYS`` ago on (which takes in
    every future one: only the current plan has future sessions)."""
    return list(
        PlannedSession.objects.filter(patient=patient)
        .filter(
            Q(date__gte=today - timedelta(days=PAST_DAYS)) | Q(plan__status__in=CURRENT_STATUSES)
        )
        .order_by("date")
        .values_list("date", "minutes")
    )


def uid(patient_id: int, day: date) -> str:
    """One per patient and day, whichever plan the day's session belongs to,
    so a calendar app updates the event in place when the plan changes."""
    return f"mat-{patient_id}-{day:%Y%m%d}@{_host()}"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def build(patient: Patient, now: datetime) -> bytes:
    """The patient's calendar as an iCalendar file (``patient.clinic`` loaded)."""
    zone = patient.zone
    at = reminder_time(patient)
    today_url = settings.SITE_URL + reverse("patient-home")
    calendar = Calendar.new(
        prodid="-//Mat companion//Calendar feed//EN",
        # With PUBLISH, each DTSTAMP is when this copy of the calendar was made.
        method="PUBLISH",
        uid=f"mat-calendar-{patient.pk}@{_host()}",
        name=gettext("Mat sessions, %(clinic)s") % {"clinic": patient.clinic.name},
        refresh_interval=REFRESH,
    )
    # Outlook reads this one rather than REFRESH-INTERVAL.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    # There is no honest LAST-MODIFIED or SEQUENCE: a planned session keeps no
    # time it was written (a changed day is a new row), and the time of day
    # comes from the reminder setting. Subscribed calendars replace their copy
    # of each UID on every fetch, so they need neither; DTSTAMP says when
    # this copy was made.
    stamp = now.astimezone(UTC)
    sessions = sessions_shown(patient, patient_today(patient, now))
    for day, minutes in sessions:
        event = Event.new(
            uid=uid(patient.pk, day),
            stamp=stamp,
            start=datetime.combine(day, at, tzinfo=zone),
            summary=ngettext(
                "Mat session, %(minutes)d minute", "Mat session, %(minutes)d minutes", minutes
            )
            % {"minutes": minutes},
            description=gettext("Your session is waiting on the site: %(url)s")
            % {"url": today_url},
            url=today_url,
        )
        event.DURATION = timedelta(minutes=minutes)
        # Private and free: whoever the calendar is shared with sees neither
        # the title nor a busy block.
        event.add("CLASS", "PRIVATE")
        event.add("TRANSP", "TRANSPARENT")
        calendar.add_component(event)
    if sessions:
        calendar.add_missing_timezones(
            first_date=sessions[0][0] - timedelta(days=1),
            last_date=sessions[-1][0] + timedelta(days=1),
        )
    return calendar.to_ical()


def calendar_for(token: str, now: datetime) -> bytes | None:
    """The calendar file ``token`` opens, or None (the view's 404)."""
    feed = feed_for(token)
    if feed is None:
        return None
    return build(feed.patient, now)
