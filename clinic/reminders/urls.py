"""Reminder settings, the one-click unsubscribe and the calendar feed."""

urlpatterns: list = []
