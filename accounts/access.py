"""The one place that decides who may see what.

Views call one of these on their first line. Each returns the object scoped
to the signed-in person's clinic (or their own record) and raises
``PermissionDenied`` (403) for the wrong role or ``Http404`` for anything
outside their clinic, so that another clinic's records are indistinguishable
from records that do not exist. A request for a record that does exist but is
not theirs leaves a REFUSE row in the audit trail (the existence check runs
only on that path); the person sees the same 404 either way.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from accounts import audit
from accounts.models import AuditEvent, Membership, Patient


def role_of(user) -> str | None:
    """The single role a signed-in person acts in: staff, practitioner,
    clinic_admin or patient; ``None`` for a visitor or an unlinked account."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.role
    if getattr(user, "patient", None) is not None:
        return "patient"
    if user.is_staff:
        return "staff"
    return None


def clinic_membership(request: HttpRequest) -> Membership:
    """The signed-in practitioner's (or clinic admin's) membership, or 403."""
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise PermissionDenied("This page is for clinic practitioners.")
    return membership


def clinic_patient(
    request: HttpRequest, pk: int, rows: models.QuerySet[Patient] | None = None
) -> Patient:
    """A patient of the signed-in practitioner's clinic, or 404. A page that
    reads more about the patient may pass ``rows``, patients annotated with
    it, so that it comes in this same query."""
    membership = clinic_membership(request)
    rows = Patient.objects.all() if rows is None else rows
    try:
        patient = rows.select_related("primary_practitioner__user", "user").get(
            pk=pk, clinic_id=membership.clinic_id
        )
    except Patient.DoesNotExist:
        refuse_if_it_exists(request, Patient, pk, clinic_id=membership.clinic_id)
        raise Http404("No such patient in this clinic.") from None
    # The same clinic the membership came with (accounts.identity): no second read.
    patient.clinic = membership.clinic
    return patient


def scoped_or_404(
    request: HttpRequest, rows: models.QuerySet, pk: int, *, clinic_id: int | None
) -> models.Model:
    """The row ``pk`` among ``rows`` (already scoped to the person), or 404;
    asking for someone else's row is recorded as refused."""
    try:
        return rows.get(pk=pk)
    except rows.model.DoesNotExist:
        refuse_if_it_exists(request, rows.model, pk, clinic_id=clinic_id)
        raise Http404("No such record.") from None


def refuse_if_it_exists(
    request: HttpRequest, model: type[models.Model], pk: int, *, clinic_id: int | None
) -> None:
    """Record a refused attempt on row ``pk`` of ``model`` if that row exists
    (then it belongs to someone else). ``clinic_id`` is the asker's clinic:
    the row says who tried, not whose record it was."""
    if model._base_manager.filter(pk=pk).exists():
        obj = model(pk=pk)
        audit.record(request, AuditEvent.Action.REFUSE, obj, clinic_id=clinic_id)


def own_patient_record(request: HttpRequest) -> Patient:
    """The signed-in patient's own record, or 403 for anyone else."""
    patient = getattr(request.user, "patient", None)
    if patient is None:
        raise PermissionDenied("This page is for patients.")
    return patient


READER_ROLES = ("patient", "practitioner", "clinic_admin")


def signed_in_reader(request: HttpRequest) -> str:
    """The role of a patient or clinic member reading the shared mat library,
    or 403 for anyone else (staff curate it in the admin instead)."""
    role = role_of(request.user)
    if role not in READER_ROLES:
        raise PermissionDenied("This page is for patients and clinic practitioners.")
    return role


def library_content_viewer(request: HttpRequest) -> str:
    """The role of someone who may see the library's content outside its pages
    (a position's uploaded picture): a reader, or staff, who preview it in the
    admin; 403 for anyone else."""
    role = role_of(request.user)
    if role not in (*READER_ROLES, "staff"):
        raise PermissionDenied("This picture is for patients, practitioners and staff.")
    return role
