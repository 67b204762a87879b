"""The review before the next visit, the printable summary and the export."""

from django.urls import path

from clinic.review import views

urlpatterns = [
    path("patients/<int:pk>/review/", views.patient_review, name="patient-review"),
    path("patients/<int:pk>/review/seen/", views.review_mark_seen, name="review-mark-seen"),
    path("patients/<int:pk>/review/feedback/", views.review_feedback, name="review-feedback"),
    path("patients/<int:pk>/summary/", views.patient_summary, name="patient-summary"),
    path("patients/<int:pk>/export.csv", views.patient_export, name="patient-export"),
]
