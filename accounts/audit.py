"""Record reads and writes of patient data in the audit trail.

Services write their own rows, in the same transaction as the change, from
an ``Actor``: who acted and from which page. Views build it with
``Actor.of(request)``; the demo and the worker act as ``SYSTEM``. Reads are
recorded by the view that shows the data, with ``record``.
"""

from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest

from accounts.models import AuditEvent, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    path: str = ""

    @classmethod
    def of(cls, request: HttpRequest) -> "Actor":
        """The signed-in person (or nobody) and the path without its query string."""
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, path=request.path[:200])


SYSTEM = Actor(user=None)


def write(actor: Actor, action: str, obj: models.Model, *, clinic_id: int | None) -> None:
    """Write one audit row for ``obj`` (ids only: never names, notes or scores)."""
    AuditEvent.objects.create(
        actor=actor.user,
        clinic_id=clinic_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        path=actor.path,
    )


def record(request: HttpRequest, action: str, obj: models.Model, *, clinic_id: int | None) -> None:
    """Write one audit row for ``obj`` on behalf of the person making ``request``."""
    write(Actor.of(request), action, obj, clinic_id=clinic_id)
