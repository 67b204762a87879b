from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.errors import sentence
from accounts.forms import SetFirstPasswordForm
from accounts.models import AuditEvent, Invitation
from accounts.services import EnrolmentError, enrol_patient, renew_invitation

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _invitation_problem(request, invitation: Invitation | None):
    """The page for a link that cannot be used, or ``None`` if it can."""
    if invitation is None:
        return render(
            request, "accounts/invitation_problem.html", {"problem": "unknown"}, status=404
        )
    if invitation.is_used or invitation.patient.has_account:
        return render(request, "accounts/invitation_problem.html", {"problem": "used"}, status=410)
    if invitation.is_expired:
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": "expired", "invitation": invitation},
            status=410,
        )
    if request.user.is_authenticated:
        # A link never signs in anyone else: whoever is signed in must leave first.
        return render(
            request, "accounts/invitation_problem.html", {"problem": "signed_in"}, status=403
        )
    return None


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache
def invitation_accept(request, token: str):
    invitation = Invitation.objects.for_token(token).select_related("patient__clinic").first()
    problem = _invitation_problem(request, invitation)
    if problem is not None:
        return problem
    patient = invitation.patient
    form = SetFirstPasswordForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            user = enrol_patient(token, form.cleaned_data["password1"])
        except EnrolmentError as exc:
            form.add_error(None, sentence(exc))
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, "Welcome. Your password is set and you are signed in.")
            return redirect("patient-home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "patient": patient, "clinic": patient.clinic},
    )


@require_POST
@login_not_required
@never_cache
def invitation_renew(request, token: str):
    invitation = Invitation.objects.for_token(token).select_related("patient__clinic").first()
    if invitation is None or not invitation.is_expired or invitation.is_used:
        return _invitation_problem(request, invitation) or redirect("invitation-accept", token)
    renew_invitation(request, invitation)
    # The same answer whether or not a new link was issued, so the page
    # reveals nothing about the record behind the link.
    return redirect("invitation-renewed")


@require_GET
@login_not_required
def invitation_renewed(request):
    return render(request, "accounts/invitation_renewed.html")


def _audit_password_changed(request, user) -> None:
    # The person acts: signed in, or (from a reset link) proven by their inbox.
    audit.write(
        audit.Actor.of(request).with_user(user),
        AuditEvent.Action.PASSWORD_CHANGED,
        user,
        clinic_id=audit.clinic_of(user),
    )


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with a ``password_changed`` audit row in the
    same transaction as the new password."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            _audit_password_changed(self.request, form.user)
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" from a reset link, audited the same way."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            _audit_password_changed(self.request, form.user)
        return response
