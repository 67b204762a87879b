"""The patient list's flags, stored (``StoredFlag``) so that ordering,
filtering and counting a clinic's patients do not work every flag out again
on each request.

A stored flag is current while three things stand: the patient's own date
(their zone's, or the clinic's), the published safety version and the
patient's care version (raised with every write to their care rows:
``accounts.care``). ``refresh_stale`` finds the clinic's patients whose row is
missing or out of date and works out just theirs, in one statement: an
``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` whose SELECT reads the care
version and the care rows in the same snapshot, so the version stored is the
one the flag was worked out from. A write that lands after that snapshot
raises the version past it and leaves the row out of date, never wrong.

After a zone's midnight every patient living by it is out of date; the
scheduled job ``review.refresh_flags`` catches up every few minutes, so the
list rarely pays for it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Clinic, Patient
from clinic.review.models import StoredFlag
from clinic.review.queries import annotate_flagged
from mats.services import current_safety_version

# Patients worked out in one statement by the scheduled job.
BATCH = 500


def _safety_number() -> int:
    current = current_safety_version()
    return current.number if current is not None else 0


def refresh_stale(
    clinic: Clinic, zones: set[str], now: datetime, *, limit: int | None = None
) -> int:
    """Work out and store the flag of each of ``clinic``'s patients whose
    stored flag is missing or out of date (at most ``limit`` of them), in one
    statement. Returns how many were stored."""
    number = _safety_number()
    stored = annotate_flagged(Patient.objects.filter(clinic_id=clinic.pk), clinic, zones, now)
    stale = (
        Q(stored_flag__isnull=True)
        | Q(stored_flag__day__lt=F("review_today"))
        | Q(stored_flag__day__gt=F("review_today"))
        | Q(stored_flag__safety_version__lt=number)
        | Q(stored_flag__safety_version__gt=number)
        | Q(stored_flag__care_version__lt=F("care_version"))
        | Q(stored_flag__care_version__gt=F("care_version"))
    )
    found = (
        stored.filter(stale)
        .annotate(flag_patient=F("pk"), flag_safety_version=Value(number))
        .values("flag_patient", "flagged", "review_today", "flag_safety_version", "care_version")
        .order_by("pk")
    )
    if limit is not None:
        found = found[:limit]
    select, params = found.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(StoredFlag._meta.db_table)
    kept = ("flagged", "day", "safety_version", "care_version")
    targets = ", ".join(map(quote, ("patient_id", *kept)))
    read = ("flag_patient", "flagged", "review_today", "flag_safety_version", "care_version")
    sources = ", ".join(map(quote, read))
    updates = ", ".join(f"{name} = excluded.{name}" for name in map(quote, kept))
    # Only quoted names are formatted in; every value stays a parameter.
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT.
    sql = f"INSERT INTO {table} ({targets}) SELECT {sources} FROM ({select}) AS computed WHERE true ON CONFLICT ({quote('patient_id')}) DO UPDATE SET {updates}"  # noqa: E501, S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def zones_and_staleness(clinic: Clinic, now: datetime) -> tuple[set[str], bool]:
    """The zones ``clinic``'s patients set for themselves (``own_zones``), and
    whether any stored flag is missing or out of date, from one small query
    grouped by zone: cheaper than asking ``refresh_stale``, whose statement
    costs its planning even when it stores nothing."""
    number = _safety_number()
    rows = (
        Patient.objects.filter(clinic_id=clinic.pk)
        .order_by()
        .values("time_zone")
        .annotate(
            first_day=Min("stored_flag__day"),
            last_day=Max("stored_flag__day"),
            # Missing rows, another safety version or care version.
            unsure=Count(
                "pk",
                filter=Q(stored_flag__isnull=True)
                | ~Q(stored_flag__safety_version=number)
                | ~Q(stored_flag__care_version=F("care_version")),
            ),
        )
        .values_list("time_zone", "first_day", "last_day", "unsure")
    )
    zones, stale = set(), False
    for zone, first_day, last_day, unsure in rows:
        if zone:
            zones.add(zone)
        today = timezone.localdate(now, timezone=ZoneInfo(zone or clinic.time_zone))
        stale = stale or bool(unsure) or first_day != today or last_day != today
    return zones, stale


def refresh_if_stale(clinic: Clinic, now: datetime) -> int:
    """What the list does first: store the flags out of date, if any."""
    zones, stale = zones_and_staleness(clinic, now)
    return refresh_stale(clinic, zones, now) if stale else 0


def annotate_stored_flag(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Add ``flagged``, the stored flag (no row yet counts as not flagged:
    ``refresh_stale`` has just written every row the list needs)."""
    return patients.annotate(flagged=Coalesce(F("stored_flag__flagged"), Value(False)))


def refresh_stale_flags(now: datetime) -> int:
    """The scheduled job: bring every clinic's stored flags up to date, in
    batches. Safe to run twice or beside a list request: each statement
    stores what it read in one snapshot. Returns how many were stored."""
    total = 0
    for clinic in Clinic.objects.filter(patients__isnull=False).distinct().order_by("pk"):
        zones, stale = zones_and_staleness(clinic, now)
        while stale:
            stored = refresh_stale(clinic, zones, now, limit=BATCH)
            total += stored
            stale = stored == BATCH
    return total
