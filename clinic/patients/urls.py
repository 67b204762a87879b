"""Where each person starts; the practitioner's patient list and patient page;
the patient's own data (downloads and the request to delete their account)."""

from django.urls import path

from clinic.patients import own_data_views, trail_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/add/", views.patient_add, name="patient-add"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient-invite"),
    path(
        "patients/<int:pk>/deletion-request/handled/",
        views.deletion_handled,
        name="deletion-handled",
    ),
    # The clinic's audit trail, for its clinic admins.
    path("clinic/audit/", trail_views.clinic_audit, name="clinic-audit"),
    # The patient's own data, from Settings.
    path("home/settings/who-looked/", trail_views.record_access, name="record-access"),
    path("home/settings/data/my-data.json", own_data_views.own_data_json, name="own-data-json"),
    path("home/settings/data/my-data.csv", own_data_views.own_data_csv, name="own-data-csv"),
    path("home/settings/data/delete/", own_data_views.deletion_request, name="deletion-request"),
    path(
        "home/settings/data/delete/withdraw/",
        own_data_views.deletion_withdraw,
        name="deletion-withdraw",
    ),
]
