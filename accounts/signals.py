from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts import sudo
from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().isoformat()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


@receiver(user_logged_in)
def forget_sudo_confirmation(sender, request, user, **kwargs):
    # Django keeps the session's data when the same person (or an anonymous
    # session) signs in: a confirmation from before never carries over.
    if request is not None:
        sudo.forget(request)
