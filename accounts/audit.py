"""Record reads and writes of patient data in the audit trail.

Services write their own rows, in the same transaction as the change, from
an ``Actor``: who acted and from which page. Views build it with
``Actor.of(request)``; the demo and the worker act as ``SYSTEM``. Reads are
recorded by the view that shows the data, with ``record``.

What is read, by whom:

- Practitioners, clinic admins and staff: every page showing one patient's
  data is a VIEW (also when a form is shown again after failing its checks),
  every list or search a LIST with how many were shown, never who.
- A calendar app fetching a patient's feed by its secret address: a VIEW of
  the patient with no actor and the token masked in ``path``
  (``clinic.reminders.feed.audit_path``).
- A patient reading their own pages is not recorded page by page: their
  SIGN_IN row marks the session, and their exports and changes are recorded.
  A row per page would add a write to the Today page, the one page patients
  open daily, and tell nobody anything the sign-in row does not.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEvent, Clinic, User
from accounts.throttle import client_address


@dataclass(frozen=True)
class Actor:
    user: User | None
    path: str = ""
    address: str | None = None

    @classmethod
    def of(cls, request: HttpRequest) -> "Actor":
        """The signed-in person (or nobody), the path without its query string,
        and the client's address."""
        user = getattr(request, "user", None)
        user = user if user is not None and user.is_authenticated else None
        return cls(user=user, path=request.path[:200], address=client_address(request))

    def with_user(self, user: User | None) -> "Actor":
        """The same request acting as ``user`` (at sign-in the request's user
        is not yet the person; at sign-out it no longer is)."""
        return replace(self, user=user)


SYSTEM = Actor(user=None)


def write(
    actor: Actor,
    action: str,
    obj: models.Model | type[models.Model],
    *,
    clinic_id: int | None,
    count: int | None = None,
) -> AuditEvent:
    """Write one audit row for ``obj`` (ids only: never names, notes or scores).

    ``obj`` may be a model class where there is no one object (a failed
    sign-in for an unknown address): the row then names the type alone.
    """
    return AuditEvent.objects.create(
        actor=actor.user,
        clinic_id=clinic_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk if isinstance(obj, models.Model) else None,
        path=actor.path,
        address=actor.address,
        count=count,
    )


def record(
    request: HttpRequest,
    action: str,
    obj: models.Model | type[models.Model],
    *,
    clinic_id: int | None,
    count: int | None = None,
) -> AuditEvent:
    """Write one audit row for ``obj`` on behalf of the person making ``request``."""
    return write(Actor.of(request), action, obj, clinic_id=clinic_id, count=count)


def count_refused_sign_in(address: str | None, path: str, now: datetime | None = None) -> None:
    """Count one sign-in refused before any password was checked (the address
    paused, the machine busy) in the row for ``address`` and this minute.

    Under attack refusals come many times a second; a row each would fill the
    trail with noise and cost an insert each. So one row per address and
    minute (``at`` is the minute's start) holds how many there were, and its
    ``count`` is the one thing in the trail that changes, for that minute only.
    One statement both adds the row and counts into it, so simultaneous
    refusals all count: the unique index on (address, at) for this action
    decides which insert wins, and the others add one to its count.
    """
    minute = (now or timezone.now()).replace(second=0, microsecond=0)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    # Names from the model (not typed here) keep the statement true to it.
    columns = ", ".join(
        connection.ops.quote_name(AuditEvent._meta.get_field(name).column)
        for name in ("at", "action", "object_type", "path", "address", "count")
    )
    count = connection.ops.quote_name("count")
    action = connection.ops.quote_name("action")
    key = ", ".join(connection.ops.quote_name(name) for name in ("address", "at"))
    refused = AuditEvent.Action.SIGN_IN_REFUSED.value
    # The action is written into the statement (a constant of ours), not
    # bound: PostgreSQL matches ON CONFLICT's predicate to the partial index
    # only when it can read it.
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model and one constant; every value is bound.
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key}) WHERE {action} = '{refused}' "
            f"DO UPDATE SET {count} = {table}.{count} + 1",
            [
                connection.ops.adapt_datetimefield_value(minute),
                refused,
                User._meta.label_lower,
                path[:200],
                address,
            ],
        )


# Links followed from an object to the one that carries its clinic, in order.
_TOWARDS_CLINIC = ("patient", "plan", "planned_session", "screening", "membership")


def clinic_of(obj: models.Model | None) -> int | None:
    """The clinic an object (or a person, as a member or a patient) belongs
    to, or ``None`` for something of no clinic (the mat library, staff)."""
    if obj is None:
        return None
    if isinstance(obj, Clinic):
        return obj.pk
    if isinstance(obj, User):
        membership = getattr(obj, "membership", None)
        if membership is not None:
            return membership.clinic_id
        patient = getattr(obj, "patient", None)
        return patient.clinic_id if patient is not None else None
    clinic_id = getattr(obj, "clinic_id", None)
    if clinic_id is not None:
        return clinic_id
    for name in _TOWARDS_CLINIC:
        related = getattr(obj, name, None)
        if isinstance(related, models.Model):
            return clinic_of(related)
    return None
