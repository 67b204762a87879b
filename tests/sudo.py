"""Marking a test client's session as having passed the sudo moment
(``accounts.sudo``), for tests whose subject is what comes after it."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from accounts import sudo


def confirmed(client: Client) -> Client:
    """``client``'s signed-in person confirmed it is them just now."""
    session = client.session
    session[sudo.SESSION_KEY] = {
        "user": int(session[SESSION_KEY]),
        "at": timezone.now().isoformat(),
    }
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
