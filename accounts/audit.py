"""Record reads and writes of patient data in the audit trail."""

from django.db import models
from django.http import HttpRequest

from accounts.models import AuditEvent


def record(request: HttpRequest, action: str, obj: models.Model, *, clinic_id: int | None) -> None:
    """Write one audit row for ``obj``; the path is kept without its query string."""
    AuditEvent.objects.create(
        actor=request.user if request.user.is_authenticated else None,
        clinic_id=clinic_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        path=request.path[:200],
    )
