"""Where each person starts; the practitioner's patient list and patient page."""

from django.urls import path

from clinic.patients import views

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/add/", views.patient_add, name="patient-add"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient-invite"),
]
