from django.urls import path

from mats import views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/guides/<slug:slug>/", views.guidance_page, name="guidance-page"),
    path("library/positions/", views.position_list, name="position-list"),
    path("library/routines/", views.routine_list, name="routine-list"),
    path("library/routines/<slug:slug>/", views.routine_detail, name="routine-detail"),
    path("library/evidence/", views.evidence, name="evidence"),
    path("safety/", views.safety, name="safety"),
    path("safety/versions/<int:number>/", views.safety_version, name="safety-version"),
    path("safety/read/", views.safety_acknowledge, name="safety-acknowledge"),
]
