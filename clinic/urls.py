from django.contrib import admin
from django.urls import include, path

from clinic import views

handler500 = "clinic.views.server_error"

admin.site.site_header = "Mat companion administration"
admin.site.site_title = "Mat companion admin"
admin.site.index_title = "Content, clinics and people"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", views.patient_home, name="patient-home"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/add/", views.patient_add, name="patient-add"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient-invite"),
    path("patients/<int:pk>/visits/add/", views.patient_visit_add, name="patient-visit-add"),
    path("", include("accounts.urls")),
    path("", include("mats.urls")),
    path("admin/", admin.site.urls),
]
