"""Reminder settings and the one-click unsubscribe (placeholder until they land)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404


@login_not_required
def unsubscribe(request, token: str):
    raise Http404
