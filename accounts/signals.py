"""Receivers of Django's sign-in signals: the session clock, and one audit
row for each sign-in, failed sign-in and sign-out.

A sign-in or sign-out not made over HTTP (``Client.force_login`` and
``logout`` build a bare ``HttpRequest`` with no method and no address) is
nobody signing in from anywhere, so it leaves no row.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts import audit, sudo
from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED, remember_factor_answer
from accounts.models import AuditEvent, User, normalise_email


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().isoformat()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


def _over_http(request) -> bool:
    return request is not None and request.method is not None


@receiver(user_logged_in, dispatch_uid="audit-sign-in")
def audit_sign_in(sender, request, user, **kwargs):
    if _over_http(request):
        audit.write(
            audit.Actor.of(request).with_user(user),
            AuditEvent.Action.SIGN_IN,
            user,
            clinic_id=audit.clinic_of(user),
        )


@receiver(user_logged_out, dispatch_uid="audit-sign-out")
def audit_sign_out(sender, request, user, **kwargs):
    # Signing out with no one signed in is nothing to record.
    if user is not None and _over_http(request):
        audit.write(
            audit.Actor.of(request).with_user(user),
            AuditEvent.Action.SIGN_OUT,
            user,
            clinic_id=audit.clinic_of(user),
        )


@receiver(user_login_failed, dispatch_uid="audit-sign-in-failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    """One row per refused attempt, a locked-out one included (Django sends
    this signal once when django-axes stops the attempt). The row names the
    account whose address was typed, if there is one; never the typed text,
    which could be anyone's address or a password typed in the wrong box."""
    if not _over_http(request):
        return
    typed = credentials.get("username") or ""
    user = (
        User.objects.select_related("membership", "patient")
        .filter(email__iexact=normalise_email(typed))
        .first()
        if typed
        else None
    )
    audit.write(
        audit.Actor.of(request),
        AuditEvent.Action.SIGN_IN_FAILED,
        user if user is not None else User,
        clinic_id=audit.clinic_of(user),
    )


@receiver(user_logged_in)
def forget_sudo_confirmation(sender, request, user, **kwargs):
    # Django keeps the session's data when the same person (or an anonymous
    # session) signs in: a confirmation from before never carries over.
    if request is not None:
        sudo.forget(request)


@receiver(user_logged_in, dispatch_uid="remember-second-factor")
def remember_second_factor(sender, request, user, **kwargs):
    """Whether the person has a second factor is asked once here, where the
    session is written anyway, rather than on their first page."""
    if request is not None and hasattr(request, "session"):
        remember_factor_answer(request.session, user)
