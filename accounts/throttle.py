from accounts.models import normalise_email


def username_for_lockout(request, credentials) -> str | None:
    """Axes counts failures per address; ``Ann@X.org`` and ``ann@x.org`` are one."""
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return normalise_email(username) if username else username
