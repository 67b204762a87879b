"""The patient list's flags, stored on each patient's row (``Patient.flagged``)
so that ordering, filtering and counting a clinic's patients read an index
and do not work every flag out again on each request.

A stored flag holds for the safety version it was worked out for
(``flag_safety_version``) until the end of the patient's day
(``flag_until``: the next midnight in their zone, or the clinic's). Every care
write raises the patient's care version and sets ``flag_until`` back to
``FLAG_OUT_OF_DATE`` in one UPDATE (``accounts.care``), as does a change of
the patient's zone (``Patient.save``) or of the clinic's (``Clinic.save``).

So a flag is out of date exactly when its safety version is not the one
published, or its day has ended (``flag_until`` at or before now), or has not
begun (``flag_until`` beyond now + ``LONGEST_DAY``: the clock went back).
Each is a range of the index ``patient_flag_fresh`` (clinic,
flag_safety_version, flag_until): ``out_of_date`` reads the four ranges and
touches only the patients out of date, however many the clinic has.

``refresh_stale`` works out just those, in one ``UPDATE ... FROM (SELECT
...)`` per batch whose SELECT reads the care version, the zones and the care
rows in the same snapshot. The UPDATE stores a flag only where the patient's
care version and zone are still the ones read (PostgreSQL checks them again
on the newest row if a writer got there first), so a write landing after the
read leaves the flag out of date, never wrong.

After a zone's midnight every patient living by it is out of date; the
scheduled job ``review.refresh_flags`` catches up every few minutes, so the
list rarely pays for it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone

from accounts.models import Clinic, Patient
from clinic.review.queries import annotate_flagged
from mats.services import current_safety_version

# Patients read and worked out in one statement.
BATCH = 500
# Longer than any day (clocks going back by up to two hours): a flag holding
# beyond now + this was worked out for a later day.
LONGEST_DAY = timedelta(hours=26)


def _safety_number() -> int:
    current = current_safety_version()
    return current.number if current is not None else 0


def next_midnight(zone: str, now: datetime) -> datetime:
    """When the day of ``now`` in ``zone`` ends: the next day's first instant."""
    tz = ZoneInfo(zone)
    day = timezone.localdate(now, timezone=tz) + timedelta(days=1)
    # A midnight skipped by the clocks (fold 0) is the instant they jump.
    return datetime.combine(day, time(), tzinfo=tz)


def out_of_date(
    clinic: Clinic, now: datetime, *, limit: int | None = None
) -> list[tuple[int, str]]:
    """The clinic's patients whose stored flag is out of date (at most
    ``limit``, else ``BATCH``, of each kind: another safety version below or
    above, a day ended, a day not begun), with their own zone ("" for the
    clinic's): one statement of four range scans of the index
    ``patient_flag_fresh``, touching only those patients. (Each kind is its
    own range so that the planner estimates it from the column's statistics:
    a row comparison is estimated by its first column alone, as if every
    patient matched.)"""
    limit = BATCH if limit is None else limit
    number = _safety_number()
    quote = connection.ops.quote_name
    table = quote(Patient._meta.db_table)
    pk, zone, clinic_id = (
        quote(Patient._meta.get_field(name).column) for name in ("id", "time_zone", "clinic")
    )
    version, until = quote("flag_safety_version"), quote("flag_until")
    adapt = connection.ops.adapt_datetimefield_value
    kinds = [
        (f"{version} < %s", [number]),
        (f"{version} = %s AND {until} <= %s", [number, adapt(now)]),
        (f"{version} = %s AND {until} > %s", [number, adapt(now + LONGEST_DAY)]),
        (f"{version} > %s", [number]),
    ]
    # Only quoted names and fixed words are formatted in; values are parameters.
    sql = " UNION ".join(
        f"SELECT * FROM (SELECT {pk}, {zone} FROM {table} WHERE {clinic_id} = %s AND {kind}"  # noqa: S608
        f" ORDER BY {version}, {until} LIMIT %s) AS kind_{index}"
        for index, (kind, _) in enumerate(kinds)
    )
    params = [value for _, values in kinds for value in (clinic.pk, *values, limit)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchall())


def _until(clinic: Clinic, zones: set[str], now: datetime) -> Case:
    """The end of each patient's day, as ``annotate_flagged`` picks their zone."""
    return Case(
        *[When(time_zone=zone, then=Value(next_midnight(zone, now))) for zone in sorted(zones)],
        default=Value(next_midnight(clinic.time_zone, now)),
        output_field=DateTimeField(),
    )


def store_flags(clinic: Clinic, patients: list[tuple[int, str]], now: datetime) -> int:
    """Work out and store the flags of ``patients`` (pk and own zone, as
    ``out_of_date`` gives them), in one statement. Returns how many were
    stored: fewer when a care write or a change of zone got there first."""
    if not patients:
        return 0
    number = _safety_number()
    zones = {zone for _, zone in patients if zone}
    read = Patient.objects.filter(
        Q(time_zone="") | Q(time_zone__in=zones),
        pk__in=[pk for pk, _ in patients],
        clinic_id=clinic.pk,
        # The zone the default day follows, read in the same snapshot.
        clinic__time_zone=clinic.time_zone,
    )
    found = (
        annotate_flagged(read, clinic, zones, now)
        .annotate(
            worked_out_for=F("pk"),
            worked_out_until=_until(clinic, zones, now),
            worked_out_version=Value(number),
            read_care_version=F("care_version"),
            read_time_zone=F("time_zone"),
        )
        .values(
            "worked_out_for",
            "flagged_now",
            "worked_out_until",
            "worked_out_version",
            "read_care_version",
            "read_time_zone",
        )
        .order_by()
    )
    select, params = found.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Patient._meta.db_table)
    # Only quoted names are formatted in; every value stays a parameter. The
    # care version and zone are compared again on the row being written: a
    # writer that committed since the SELECT's snapshot wins.
    sql = (
        f"UPDATE {table} SET {quote('flagged')} = computed.{quote('flagged_now')},"  # noqa: S608
        f" {quote('flag_safety_version')} = computed.{quote('worked_out_version')},"
        f" {quote('flag_until')} = computed.{quote('worked_out_until')}"
        f" FROM ({select}) AS computed"
        f" WHERE {table}.{quote('id')} = computed.{quote('worked_out_for')}"
        f" AND {table}.{quote('care_version')} = computed.{quote('read_care_version')}"
        f" AND {table}.{quote('time_zone')} = computed.{quote('read_time_zone')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refresh_stale(clinic: Clinic, now: datetime) -> int:
    """Bring every out-of-date flag of ``clinic`` up to date, in batches: one
    query when none is (what the list does first on each request). Returns
    how many were stored."""
    total, before = 0, None
    while True:
        stale = out_of_date(clinic, now)
        stored = store_flags(clinic, stale, now)
        total += stored
        # Done when a batch was not full. A batch storing nothing (every
        # patient in it written to meanwhile) or found again as it was is
        # left to the next request.
        if len(stale) < BATCH or not stored or stale == before:
            return total
        before = stale


def refresh_stale_flags(now: datetime) -> int:
    """The scheduled job: bring every clinic's stored flags up to date, in
    batches. Safe to run twice or beside a list request: each statement
    stores what it read in one snapshot. Returns how many were stored."""
    total = 0
    for clinic in Clinic.objects.filter(patients__isnull=False).distinct().order_by("pk"):
        total += refresh_stale(clinic, now)
    return total
