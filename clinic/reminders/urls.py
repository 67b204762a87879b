"""Reminder settings, the Today page's offer, the one-click unsubscribe, and a
practitioner's notification settings."""

from django.urls import path

from clinic.reminders import feed_views, views

urlpatterns = [
    path("home/settings/", views.patient_settings, name="patient-settings"),
    path("home/settings/reminders/", views.patient_reminders, name="patient-reminders"),
    path("home/reminders/offer/", views.reminder_offer, name="patient-reminder-offer"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "account/notifications/",
        views.practitioner_notifications,
        name="practitioner-notifications",
    ),
    path("calendar/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
    path("home/settings/calendar/", feed_views.calendar_feed_reset, name="calendar-feed-reset"),
]
