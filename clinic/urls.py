from django.contrib import admin
from django.urls import include, path

from clinic import health, pwa

handler400 = "clinic.errors.bad_request"
handler403 = "clinic.errors.permission_denied"
handler404 = "clinic.errors.page_not_found"
handler500 = "clinic.errors.server_error"

admin.site.site_header = "Mat companion administration"
admin.site.site_title = "Mat companion admin"
admin.site.index_title = "Content, clinics and people"

urlpatterns = [
    path("", include("clinic.usage.urls")),
    path("", include("clinic.plans.urls")),
    path("", include("clinic.visits.urls")),
    path("", include("clinic.review.urls")),
    path("", include("clinic.reminders.urls")),
    path("", include("clinic.patients.urls")),
    path("", include("accounts.urls")),
    path("", include("mats.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    # At the root: a service worker only controls pages under its own path.
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("offline/", pwa.offline, name="offline"),
]
