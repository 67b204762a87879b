"""Reminder settings and the one-click unsubscribe (placeholder until they land)."""

from django.http import Http404


def unsubscribe(request, token: str):
    raise Http404
