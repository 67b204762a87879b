"""Reminder settings, the one-click unsubscribe and the calendar feed."""

from django.urls import path

from clinic.reminders import feed_views, views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
    path("home/settings/calendar/", feed_views.calendar_feed_reset, name="calendar-feed-reset"),
]
