"""Reminder settings, the one-click unsubscribe and the calendar feed."""

from django.urls import path

from clinic.reminders import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
