from django.conf import settings
from django.urls import path

from mats import views

# Uploaded pictures are served here when MEDIA_URL is a path on this site; with
# MEDIA_URL on another host (S3-compatible storage) pages link there instead.
MEDIA_PATH = settings.MEDIA_URL.lstrip("/") if settings.MEDIA_URL.startswith("/") else "media/"

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
    path(f"{MEDIA_PATH}positions/<str:name>", views.position_picture, name="position-picture"),
]
