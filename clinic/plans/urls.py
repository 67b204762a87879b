"""Assigning and changing a plan; the safety questions that gate it."""

from django.urls import path

from clinic.plans import screening_views, views

urlpatterns = [
    path("home/safety-questions/", screening_views.safety_questions, name="safety-questions"),
    path(
        "patients/<int:pk>/screening/", screening_views.patient_screening, name="patient-screening"
    ),
    path(
        "patients/<int:pk>/screenings/<int:screening_pk>/confirm/",
        screening_views.screening_confirm,
        name="screening-confirm",
    ),
    path("patients/<int:pk>/plans/new/", views.plan_assign, name="plan-assign"),
    path("patients/<int:pk>/plans/<int:plan_pk>/", views.plan_detail, name="plan-detail"),
    path("patients/<int:pk>/plans/<int:plan_pk>/pause/", views.plan_pause, name="plan-pause"),
    path("patients/<int:pk>/plans/<int:plan_pk>/resume/", views.plan_resume, name="plan-resume"),
    path("patients/<int:pk>/plans/<int:plan_pk>/end/", views.plan_end, name="plan-end"),
    path("patients/<int:pk>/plans/<int:plan_pk>/extend/", views.plan_extend, name="plan-extend"),
    path("patients/<int:pk>/plans/<int:plan_pk>/clear/", views.plan_clear, name="plan-clear"),
]
