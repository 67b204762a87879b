from accounts.access import role_of


def roles(request):
    """Expose the signed-in person's role so the layout can show the right menu."""
    user = getattr(request, "user", None)
    return {"role": role_of(user) if user is not None else None}
