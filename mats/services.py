"""Workflows over the mat content: publishing safety versions, patients'
acknowledgements, and what the care side may read.

This is the API the rest of the site uses; the care side should not query
the draft rows (Contraindication, StopRule, SafetySection) directly.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.errors import ServiceError
from accounts.models import Patient, User
from accounts.prepared import PATIENT_MARKER, PreparedQuery, first_row
from mats.models import (
    Contraindication,
    Position,
    RoutineStage,
    RoutineTemplate,
    SafetyAcknowledgement,
    SafetySection,
    SafetyVersion,
    StopRule,
)
from mats.snapshots import (
    ContraindicationEntry,
    SafetyChanges,
    SafetySnapshot,
    StopRuleEntry,
    compare,
)


class SafetyRefused(ServiceError):
    """Publishing or acknowledging safety guidance was refused; the code says why."""


# --- Reading published content ---------------------------------------------


# Several parts of one page ask for the current version (the reading gate,
# the screening gate, the plan's gate, the page itself): within a request
# (``mats.middleware.SafetyVersionPerRequest``) it is read once. Publishing
# forgets it. Outside a request every call reads the database.
_this_request: ContextVar[dict | None] = ContextVar("current_safety_version", default=None)
_NOT_READ = object()


@contextmanager
def one_safety_read() -> Iterator[None]:
    """Read the current safety version at most once inside this block."""
    token = _this_request.set({})
    try:
        yield
    finally:
        _this_request.reset(token)


def current_safety_version() -> SafetyVersion | None:
    """The newest published safety version, or None if none was ever published."""
    memo = _this_request.get()
    found = _NOT_READ if memo is None else memo.get("current", _NOT_READ)
    if found is _NOT_READ:
        found = SafetyVersion.objects.order_by("-number").first()
        if memo is not None:
            memo["current"] = found
    return found


def _forget_current_safety_version() -> None:
    memo = _this_request.get()
    if memo is not None:
        memo.clear()


def published_safety_snapshot() -> SafetySnapshot:
    """The current version's content; empty if nothing was ever published."""
    version = current_safety_version()
    return version.snapshot if version else SafetySnapshot()


def published_contraindications() -> tuple[ContraindicationEntry, ...]:
    """Contraindications as currently published, in the editors' order.

    Each entry has ``code`` (stable across versions, use it to store screening
    answers and clearances), ``name``, ``question``, ``explanation``,
    ``severity`` ("absolute" or "relative") and ``is_absolute``.
    """
    return published_safety_snapshot().contraindications


def published_stop_rules() -> tuple[StopRuleEntry, ...]:
    """Stop rules as currently published: ``code``, ``symptom``, ``what_to_do``,
    ``pauses_plan``."""
    return published_safety_snapshot().stop_rules


def published_positions(region: str = "") -> QuerySet[Position]:
    """Published positions, only those for ``region`` (a BodyRegion) when given."""
    positions = Position.objects.published()
    return positions.filter(body_region=region) if region else positions


def published_position_named(name_ref) -> Subquery:
    """For annotating a queryset without a query per row:
    ``.annotate(row=published_position_named(OuterRef("position")))`` gives
    the published position of that name, all its fields as a JSON object
    (``position_from_row`` makes it a ``Position`` again), or None."""
    fields = {field.attname: field.attname for field in Position._meta.concrete_fields}
    return Subquery(
        published_positions().filter(name=name_ref).values(row=JSONObject(**fields))[:1]
    )


def position_from_row(row: dict | None) -> Position | None:
    """The position ``published_position_named`` read, or None."""
    return None if row is None else Position(**row)


def published_routine_templates(*, positions: bool = True) -> QuerySet[RoutineTemplate]:
    """Published templates that have at least one stage, with their stages
    (ordered by week) and, unless ``positions`` is false, each stage's
    published positions prefetched."""
    stages = RoutineStage.objects.order_by("week_from")
    if positions:
        stages = stages.prefetch_related(
            Prefetch("positions", queryset=Position.objects.published())
        )
    return (
        RoutineTemplate.objects.published()
        .filter(Exists(RoutineStage.objects.filter(template=OuterRef("pk"))))
        .prefetch_related(Prefetch("stages", queryset=stages))
    )


# --- Publishing ------------------------------------------------------------


def draft_safety_snapshot() -> SafetySnapshot:
    """The safety content as editors have left it in the admin."""
    return SafetySnapshot(
        contraindications=tuple(row.entry() for row in Contraindication.objects.all()),
        stop_rules=tuple(row.entry() for row in StopRule.objects.all()),
        sections=tuple(row.entry() for row in SafetySection.objects.all()),
    )


def unpublished_safety_changes() -> SafetyChanges:
    """What publishing now would change for patients and practitioners."""
    version = current_safety_version()
    return compare(version.snapshot if version else None, draft_safety_snapshot())


@transaction.atomic
def publish_safety_version(*, change_note: str, published_by: User | None) -> SafetyVersion:
    """Freeze the draft safety content as the next numbered version.

    Refuses (``SafetyRefused``) when the change note is empty or when nothing
    has changed since the current version. Records the publication in the
    admin history of the new version (who, when, and what changed).
    """
    note = (change_note or "").strip()
    if not note:
        raise SafetyRefused("safety.change_note_missing", field="change_note")
    # Lock the newest version so that two editors publishing at once cannot
    # both take the same number (the unique constraint is the backstop).
    current = SafetyVersion.objects.select_for_update().order_by("-number").first()
    draft = draft_safety_snapshot()
    changes = compare(current.snapshot if current else None, draft)
    if current is not None and not changes:
        raise SafetyRefused("safety.nothing_changed", number=current.number)
    version = SafetyVersion.objects.create(
        number=current.number + 1 if current else 1,
        published_by=published_by,
        change_note=note,
        content=draft.to_json(),
    )
    _forget_current_safety_version()
    if published_by is not None:
        LogEntry.objects.log_actions(
            user_id=published_by.pk,
            queryset=[version],
            action_flag=ADDITION,
            change_message=f"Published safety version {version.number}. {changes.summary()}. "
            f"Change note: {note}",
        )
    return version


# --- Acknowledgement -------------------------------------------------------


def _current_version_read_by(*, patient_id: int) -> QuerySet[SafetyVersion]:
    """The current version, with whether this patient acknowledged it."""
    read = SafetyAcknowledgement.objects.filter(patient_id=patient_id, version=OuterRef("pk"))
    versions = SafetyVersion.objects.annotate(acknowledged=Exists(read)).order_by("-number")
    return first_row(versions)


# Asked first on every page a patient opens: compiled once (accounts/prepared.py).
_CURRENT_VERSION_READ_BY = PreparedQuery(_current_version_read_by, patient_id=PATIENT_MARKER)


def needs_acknowledgement(patient: Patient) -> bool:
    """True when a safety version is published and this patient has not
    acknowledged the current one. With nothing published, nothing is needed.

    Usually the first thing a patient's page asks, so when the current version
    is not read yet this request, it comes in the same query as the answer
    (and is remembered for the rest of the request as usual)."""
    memo = _this_request.get()
    if memo is not None and "current" not in memo:
        rows = _CURRENT_VERSION_READ_BY.rows(patient_id=patient.pk)
        current = rows[0] if rows else None
        memo["current"] = current
        return current is not None and not current.acknowledged
    current = current_safety_version()
    if current is None:
        return False
    return not SafetyAcknowledgement.objects.filter(patient=patient, version=current).exists()


@transaction.atomic
def acknowledge_safety_version(
    patient: Patient, version: SafetyVersion, *, actor: Actor = SYSTEM
) -> tuple[SafetyAcknowledgement, bool]:
    """Record that the patient read this version; repeating it changes nothing.

    Returns the acknowledgement and whether it is new. A new one is written
    to the audit trail as created by ``actor``.
    """
    acknowledgement, created = SafetyAcknowledgement.objects.get_or_create(
        patient=patient, version=version
    )
    if created:
        audit.write(actor, "create", acknowledgement, clinic_id=patient.clinic_id)
    return acknowledgement, created


def acknowledge_current_version(
    patient: Patient, number: int, *, actor: Actor = SYSTEM
) -> SafetyAcknowledgement:
    """The patient confirms reading version ``number``, the one they were shown.

    Refuses (``safety.updated_while_reading``) when that is no longer the
    current version, so a version published while they read is never
    acknowledged by mistake.
    """
    current = current_safety_version()
    if current is None or current.number != number:
        raise SafetyRefused("safety.updated_while_reading")
    acknowledgement, _ = acknowledge_safety_version(patient, current, actor=actor)
    return acknowledgement


def last_acknowledgement(patient: Patient) -> SafetyAcknowledgement | None:
    """The patient's acknowledgement of the highest version they have read."""
    return (
        SafetyAcknowledgement.objects.filter(patient=patient)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def highest_version_read(patient_ref) -> Subquery:
    """For annotating a Patient queryset without a query per row:
    ``.annotate(read=highest_version_read(OuterRef("pk")))`` gives the number of
    the newest safety version each patient acknowledged, or None."""
    return Subquery(
        SafetyAcknowledgement.objects.filter(patient=patient_ref)
        .order_by("-version__number")
        .values("version__number")[:1]
    )


@dataclass(frozen=True)
class WhatChanged:
    """What a patient should know since the version they last read."""

    since: SafetyVersion
    notes: tuple[SafetyVersion, ...]  # every version after ``since``, oldest first
    changes: SafetyChanges


def changes_since_last_read(patient: Patient) -> WhatChanged | None:
    """None when the patient never acknowledged a version or is up to date."""
    return _changes_since(last_acknowledgement(patient), current_safety_version())


def _changes_since(
    last: SafetyAcknowledgement | None, current: SafetyVersion | None
) -> WhatChanged | None:
    if current is None or last is None or last.version.number >= current.number:
        return None
    notes = tuple(
        SafetyVersion.objects.filter(
            number__gt=last.version.number, number__lte=current.number
        ).order_by("number")
    )
    return WhatChanged(
        since=last.version,
        notes=notes,
        changes=compare(last.version.snapshot, current.snapshot),
    )


@dataclass(frozen=True)
class SafetyReading:
    """What the patient's safety page shows: the current version, what
    changed since they last read one, and whether they read this one."""

    version: SafetyVersion
    snapshot: SafetySnapshot
    what_changed: WhatChanged | None
    already_read: bool


def safety_reading(patient: Patient) -> SafetyReading | None:
    """The patient's safety page, or None while nothing is published."""
    current = current_safety_version()
    if current is None:
        return None
    last = last_acknowledgement(patient)
    return SafetyReading(
        version=current,
        snapshot=current.snapshot,
        what_changed=_changes_since(last, current),
        already_read=last is not None and last.version_id == current.pk,
    )
