"""Recording a needling visit."""

from django.urls import path

from clinic.visits import views

urlpatterns = [
    path("patients/<int:pk>/visits/add/", views.patient_visit_add, name="patient-visit-add"),
]
