"""The patient's own pages: today, a session, the timer, the calendar, side effects."""

from django.urls import path

from clinic.usage import views

urlpatterns = [
    path("home/", views.patient_home, name="patient-home"),
    path("home/timer/", views.session_timer, name="session-timer"),
    path("home/sessions/<int:pk>/", views.session_day, name="session-day"),
    path("home/sessions/<int:pk>/done/", views.session_check_off, name="session-check-off"),
    path("home/sessions/<int:pk>/details/", views.session_details, name="session-details"),
    path("home/sessions/<int:pk>/undo/", views.session_undo, name="session-undo"),
    path("home/side-effects/new/", views.side_effect_report, name="side-effect-report"),
    path("home/side-effects/<int:pk>/", views.side_effect_detail, name="side-effect-detail"),
    path("home/plan/", views.patient_plan, name="patient-plan"),
]
