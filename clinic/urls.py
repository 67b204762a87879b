from django.contrib import admin
from django.urls import include, path

from clinic import patient_views, plan_views, review_views, views

handler500 = "clinic.views.server_error"

admin.site.site_header = "Mat companion administration"
admin.site.site_title = "Mat companion admin"
admin.site.index_title = "Content, clinics and people"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", patient_views.patient_home, name="patient-home"),
    path("home/timer/", patient_views.session_timer, name="session-timer"),
    path("home/sessions/<int:pk>/", patient_views.session_day, name="session-day"),
    path("home/sessions/<int:pk>/done/", patient_views.session_check_off, name="session-check-off"),
    path("home/sessions/<int:pk>/details/", patient_views.session_details, name="session-details"),
    path("home/sessions/<int:pk>/undo/", patient_views.session_undo, name="session-undo"),
    path("home/side-effects/new/", patient_views.side_effect_report, name="side-effect-report"),
    path(
        "home/side-effects/<int:pk>/", patient_views.side_effect_detail, name="side-effect-detail"
    ),
    path("home/plan/", patient_views.patient_plan, name="patient-plan"),
    path("home/settings/", patient_views.patient_settings, name="patient-settings"),
    path("home/safety-questions/", patient_views.safety_questions, name="safety-questions"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/add/", views.patient_add, name="patient-add"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient-invite"),
    path("patients/<int:pk>/visits/add/", views.patient_visit_add, name="patient-visit-add"),
    path("patients/<int:pk>/review/", review_views.patient_review, name="patient-review"),
    path("patients/<int:pk>/review/seen/", review_views.review_mark_seen, name="review-mark-seen"),
    path(
        "patients/<int:pk>/review/feedback/", review_views.review_feedback, name="review-feedback"
    ),
    path("patients/<int:pk>/summary/", review_views.patient_summary, name="patient-summary"),
    path("patients/<int:pk>/export.csv", review_views.patient_export, name="patient-export"),
    path("patients/<int:pk>/screening/", plan_views.patient_screening, name="patient-screening"),
    path(
        "patients/<int:pk>/screenings/<int:screening_pk>/confirm/",
        plan_views.screening_confirm,
        name="screening-confirm",
    ),
    path("patients/<int:pk>/plans/new/", plan_views.plan_assign, name="plan-assign"),
    path("patients/<int:pk>/plans/<int:plan_pk>/", plan_views.plan_detail, name="plan-detail"),
    path("patients/<int:pk>/plans/<int:plan_pk>/pause/", plan_views.plan_pause, name="plan-pause"),
    path(
        "patients/<int:pk>/plans/<int:plan_pk>/resume/", plan_views.plan_resume, name="plan-resume"
    ),
    path("patients/<int:pk>/plans/<int:plan_pk>/end/", plan_views.plan_end, name="plan-end"),
    path(
        "patients/<int:pk>/plans/<int:plan_pk>/extend/", plan_views.plan_extend, name="plan-extend"
    ),
    path("patients/<int:pk>/plans/<int:plan_pk>/clear/", plan_views.plan_clear, name="plan-clear"),
    path("", include("accounts.urls")),
    path("", include("mats.urls")),
    path("admin/", admin.site.urls),
]
