"""Every form and every query-reading page the hostile tests drive, and the
page each is found on. tests/hostile/test_discovery.py fails when a page
gains a form or a parameter that is not listed here, so none escapes.

Keys: "<persona> <METHOD> <URL name it is sent to>" for forms,
"<persona> <URL name>" for query pages.
"""

from tests.hostile.discovery import Page

FORMS = {
    "alice GET patient-list": Page("alice", "patient-list"),
    "alice GET plan-assign": Page("alice", "plan-assign", "patient"),
    "alice GET position-list": Page("alice", "position-list"),
    "alice POST deletion-handled": Page(
        "alice", "patient-detail", "patient", state="deletion requested"
    ),
    "alice POST logout": Page("alice", "patient-list"),
    "alice POST password_change": Page("alice", "password_change"),
    "alice POST password_reset": Page("alice", "password_reset"),
    "alice POST patient-add": Page("alice", "patient-add"),
    "alice POST patient-invite": Page("alice", "patient-detail", "stranger"),
    "alice POST patient-screening": Page("alice", "patient-screening", "patient"),
    "alice POST patient-visit-add": Page("alice", "patient-visit-add", "patient"),
    "alice POST plan-assign": Page("alice", "plan-assign", "patient", query="routine={routine}"),
    "alice POST plan-end": Page("alice", "plan-detail", "plan"),
    "alice POST plan-extend": Page("alice", "plan-detail", "plan"),
    "alice POST plan-pause": Page("alice", "plan-detail", "plan"),
    "alice POST plan-resume": Page("alice", "plan-detail", "plan", state="plan paused"),
    "alice POST practitioner-notifications": Page("alice", "practitioner-notifications"),
    "alice POST review-feedback": Page("alice", "patient-review", "patient"),
    "alice POST review-mark-seen": Page("alice", "patient-review", "patient"),
    "alice POST unsubscribe": Page("alice", "unsubscribe", "unsubscribe"),
    "bob GET patient-list": Page("bob", "patient-list"),
    "bob GET position-list": Page("bob", "position-list"),
    "bob POST logout": Page("bob", "patient-list"),
    "bob POST password_change": Page("bob", "password_change"),
    "bob POST password_reset": Page("bob", "password_reset"),
    "bob POST patient-add": Page("bob", "patient-add"),
    "bob POST practitioner-notifications": Page("bob", "practitioner-notifications"),
    "bob POST unsubscribe": Page("bob", "unsubscribe", "unsubscribe"),
    "pat GET position-list": Page("pat", "position-list"),
    "pat POST calendar-feed-reset": Page("pat", "patient-settings"),
    "pat POST deletion-request": Page("pat", "deletion-request"),
    "pat POST logout": Page("pat", "patient-home"),
    "pat POST password_change": Page("pat", "password_change"),
    "pat POST password_reset": Page("pat", "password_reset"),
    "pat POST patient-reminder-offer": Page("pat", "patient-home"),
    "pat POST patient-reminders": Page("pat", "patient-settings"),
    "pat POST patient-settings": Page("pat", "patient-settings"),
    "pat POST safety-questions": Page("pat", "safety-questions"),
    "pat POST session-check-off": Page("pat", "session-timer"),
    "pat POST session-details": Page("pat", "session-day", "session", state="checked off"),
    "pat POST session-undo": Page("pat", "session-day", "session", state="checked off"),
    "pat POST side-effect-report": Page("pat", "side-effect-report"),
    "pat POST unsubscribe": Page("pat", "unsubscribe", "unsubscribe"),
    "staff GET admin:accounts_clinic_changelist": Page("staff", "admin:accounts_clinic_changelist"),
    "staff GET admin:accounts_invitation_changelist": Page(
        "staff", "admin:accounts_invitation_changelist"
    ),
    "staff GET admin:accounts_membership_changelist": Page(
        "staff", "admin:accounts_membership_changelist"
    ),
    "staff GET admin:accounts_patient_changelist": Page(
        "staff", "admin:accounts_patient_changelist"
    ),
    "staff GET admin:accounts_user_changelist": Page("staff", "admin:accounts_user_changelist"),
    "staff GET admin:auth_group_changelist": Page("staff", "admin:auth_group_changelist"),
    "staff GET admin:axes_accessattempt_changelist": Page(
        "staff", "admin:axes_accessattempt_changelist"
    ),
    "staff GET admin:axes_accessfailurelog_changelist": Page(
        "staff", "admin:axes_accessfailurelog_changelist"
    ),
    "staff GET admin:axes_accesslog_changelist": Page("staff", "admin:axes_accesslog_changelist"),
    "staff GET admin:mats_contraindication_changelist": Page(
        "staff", "admin:mats_contraindication_changelist"
    ),
    "staff GET admin:mats_evidencesummary_changelist": Page(
        "staff", "admin:mats_evidencesummary_changelist"
    ),
    "staff GET admin:mats_guidancepage_changelist": Page(
        "staff", "admin:mats_guidancepage_changelist"
    ),
    "staff GET admin:mats_position_changelist": Page("staff", "admin:mats_position_changelist"),
    "staff GET admin:mats_routinetemplate_changelist": Page(
        "staff", "admin:mats_routinetemplate_changelist"
    ),
    "staff GET admin:mats_safetysection_changelist": Page(
        "staff", "admin:mats_safetysection_changelist"
    ),
    "staff GET admin:mats_safetyversion_changelist": Page(
        "staff", "admin:mats_safetyversion_changelist"
    ),
    "staff GET admin:mats_stoprule_changelist": Page("staff", "admin:mats_stoprule_changelist"),
    "staff GET admin:otp_static_staticdevice_changelist": Page(
        "staff", "admin:otp_static_staticdevice_changelist"
    ),
    "staff GET admin:otp_totp_totpdevice_changelist": Page(
        "staff", "admin:otp_totp_totpdevice_changelist"
    ),
    "staff POST admin:accounts_auditevent_change": Page(
        "staff", "admin:accounts_auditevent_change", "admin:accounts_auditevent"
    ),
    "staff POST admin:accounts_auditevent_changelist": Page(
        "staff", "admin:accounts_auditevent_changelist"
    ),
    "staff POST admin:accounts_clinic_add": Page("staff", "admin:accounts_clinic_add"),
    "staff POST admin:accounts_clinic_change": Page(
        "staff", "admin:accounts_clinic_change", "admin:accounts_clinic"
    ),
    "staff POST admin:accounts_clinic_changelist": Page(
        "staff", "admin:accounts_clinic_changelist"
    ),
    "staff POST admin:accounts_deletionrequest_changelist": Page(
        "staff", "admin:accounts_deletionrequest_changelist"
    ),
    "staff POST admin:accounts_invitation_change": Page(
        "staff", "admin:accounts_invitation_change", "admin:accounts_invitation"
    ),
    "staff POST admin:accounts_invitation_changelist": Page(
        "staff", "admin:accounts_invitation_changelist"
    ),
    "staff POST admin:accounts_membership_add": Page("staff", "admin:accounts_membership_add"),
    "staff POST admin:accounts_membership_change": Page(
        "staff", "admin:accounts_membership_change", "admin:accounts_membership"
    ),
    "staff POST admin:accounts_membership_changelist": Page(
        "staff", "admin:accounts_membership_changelist"
    ),
    "staff POST admin:accounts_patient_add": Page("staff", "admin:accounts_patient_add"),
    "staff POST admin:accounts_patient_change": Page(
        "staff", "admin:accounts_patient_change", "admin:accounts_patient"
    ),
    "staff POST admin:accounts_patient_changelist": Page(
        "staff", "admin:accounts_patient_changelist"
    ),
    "staff POST admin:accounts_user_add": Page("staff", "admin:accounts_user_add"),
    "staff POST admin:accounts_user_change": Page(
        "staff", "admin:accounts_user_change", "admin:accounts_user"
    ),
    "staff POST admin:accounts_user_changelist": Page("staff", "admin:accounts_user_changelist"),
    "staff POST admin:auth_group_add": Page("staff", "admin:auth_group_add"),
    "staff POST admin:auth_group_change": Page(
        "staff", "admin:auth_group_change", "admin:auth_group"
    ),
    "staff POST admin:auth_group_changelist": Page("staff", "admin:auth_group_changelist"),
    "staff POST admin:axes_accessattempt_changelist": Page(
        "staff", "admin:axes_accessattempt_changelist"
    ),
    "staff POST admin:axes_accessfailurelog_changelist": Page(
        "staff", "admin:axes_accessfailurelog_changelist"
    ),
    "staff POST admin:axes_accesslog_change": Page(
        "staff", "admin:axes_accesslog_change", "admin:axes_accesslog"
    ),
    "staff POST admin:axes_accesslog_changelist": Page("staff", "admin:axes_accesslog_changelist"),
    "staff POST admin:background_heartbeat_change": Page(
        "staff", "admin:background_heartbeat_change", "admin:background_heartbeat"
    ),
    "staff POST admin:background_heartbeat_changelist": Page(
        "staff", "admin:background_heartbeat_changelist"
    ),
    "staff POST admin:background_scheduledjob_changelist": Page(
        "staff", "admin:background_scheduledjob_changelist"
    ),
    "staff POST admin:django_tasks_database_dbtaskresult_changelist": Page(
        "staff", "admin:django_tasks_database_dbtaskresult_changelist"
    ),
    "staff POST admin:logout": Page("staff", "admin:index"),
    "staff POST admin:mats_contraindication_add": Page("staff", "admin:mats_contraindication_add"),
    "staff POST admin:mats_contraindication_change": Page(
        "staff", "admin:mats_contraindication_change", "admin:mats_contraindication"
    ),
    "staff POST admin:mats_contraindication_changelist": Page(
        "staff", "admin:mats_contraindication_changelist"
    ),
    "staff POST admin:mats_evidencesummary_add": Page("staff", "admin:mats_evidencesummary_add"),
    "staff POST admin:mats_evidencesummary_changelist": Page(
        "staff", "admin:mats_evidencesummary_changelist"
    ),
    "staff POST admin:mats_guidancepage_add": Page("staff", "admin:mats_guidancepage_add"),
    "staff POST admin:mats_guidancepage_change": Page(
        "staff", "admin:mats_guidancepage_change", "admin:mats_guidancepage"
    ),
    "staff POST admin:mats_guidancepage_changelist": Page(
        "staff", "admin:mats_guidancepage_changelist"
    ),
    "staff POST admin:mats_position_add": Page("staff", "admin:mats_position_add"),
    "staff POST admin:mats_position_change": Page(
        "staff", "admin:mats_position_change", "admin:mats_position"
    ),
    "staff POST admin:mats_position_changelist": Page("staff", "admin:mats_position_changelist"),
    "staff POST admin:mats_routinetemplate_add": Page("staff", "admin:mats_routinetemplate_add"),
    "staff POST admin:mats_routinetemplate_change": Page(
        "staff", "admin:mats_routinetemplate_change", "admin:mats_routinetemplate"
    ),
    "staff POST admin:mats_routinetemplate_changelist": Page(
        "staff", "admin:mats_routinetemplate_changelist"
    ),
    "staff POST admin:mats_safetysection_add": Page("staff", "admin:mats_safetysection_add"),
    "staff POST admin:mats_safetysection_change": Page(
        "staff", "admin:mats_safetysection_change", "admin:mats_safetysection"
    ),
    "staff POST admin:mats_safetysection_changelist": Page(
        "staff", "admin:mats_safetysection_changelist"
    ),
    "staff POST admin:mats_safetyversion_change": Page(
        "staff", "admin:mats_safetyversion_change", "admin:mats_safetyversion"
    ),
    "staff POST admin:mats_safetyversion_changelist": Page(
        "staff", "admin:mats_safetyversion_changelist"
    ),
    "staff POST admin:mats_stoprule_add": Page("staff", "admin:mats_stoprule_add"),
    "staff POST admin:mats_stoprule_change": Page(
        "staff", "admin:mats_stoprule_change", "admin:mats_stoprule"
    ),
    "staff POST admin:mats_stoprule_changelist": Page("staff", "admin:mats_stoprule_changelist"),
    "staff POST admin:notifications_outgoingemail_change": Page(
        "staff", "admin:notifications_outgoingemail_change", "admin:notifications_outgoingemail"
    ),
    "staff POST admin:notifications_outgoingemail_changelist": Page(
        "staff", "admin:notifications_outgoingemail_changelist"
    ),
    "staff POST admin:otp_static_staticdevice_add": Page(
        "staff", "admin:otp_static_staticdevice_add"
    ),
    "staff POST admin:otp_static_staticdevice_changelist": Page(
        "staff", "admin:otp_static_staticdevice_changelist"
    ),
    "staff POST admin:otp_totp_totpdevice_add": Page("staff", "admin:otp_totp_totpdevice_add"),
    "staff POST admin:otp_totp_totpdevice_changelist": Page(
        "staff", "admin:otp_totp_totpdevice_changelist"
    ),
    "staff POST admin:plans_plan_change": Page(
        "staff", "admin:plans_plan_change", "admin:plans_plan"
    ),
    "staff POST admin:plans_plan_changelist": Page("staff", "admin:plans_plan_changelist"),
    "staff POST admin:plans_screening_change": Page(
        "staff", "admin:plans_screening_change", "admin:plans_screening"
    ),
    "staff POST admin:plans_screening_changelist": Page(
        "staff", "admin:plans_screening_changelist"
    ),
    "staff POST admin:usage_sessionlog_changelist": Page(
        "staff", "admin:usage_sessionlog_changelist"
    ),
    "staff POST admin:usage_sideeffectreport_change": Page(
        "staff", "admin:usage_sideeffectreport_change", "admin:usage_sideeffectreport"
    ),
    "staff POST admin:usage_sideeffectreport_changelist": Page(
        "staff", "admin:usage_sideeffectreport_changelist"
    ),
    "staff POST admin:visits_appointment_changelist": Page(
        "staff", "admin:visits_appointment_changelist"
    ),
    "staff POST logout": Page("staff", "password_change"),
    "staff POST password_change": Page("staff", "password_change"),
    "staff POST password_reset": Page("staff", "password_reset"),
    "staff POST unsubscribe": Page("staff", "unsubscribe", "unsubscribe"),
    "visitor POST invitation-accept": Page("visitor", "invitation-accept", "token"),
    "visitor POST login": Page("visitor", "login"),
    "visitor POST password_reset": Page("visitor", "password_reset"),
    "visitor POST unsubscribe": Page("visitor", "unsubscribe", "unsubscribe"),
}

QUERY_PAGES = {
    "alice patient-list": Page("alice", "patient-list"),
    "alice plan-assign": Page("alice", "plan-assign", "patient"),
    "alice position-list": Page("alice", "position-list"),
    "bob patient-list": Page("bob", "patient-list"),
    "bob position-list": Page("bob", "position-list"),
    "pat position-list": Page("pat", "position-list"),
    "staff admin:accounts_auditevent_changelist": Page(
        "staff", "admin:accounts_auditevent_changelist"
    ),
    "staff admin:accounts_clinic_changelist": Page("staff", "admin:accounts_clinic_changelist"),
    "staff admin:accounts_deletionrequest_changelist": Page(
        "staff", "admin:accounts_deletionrequest_changelist"
    ),
    "staff admin:accounts_invitation_changelist": Page(
        "staff", "admin:accounts_invitation_changelist"
    ),
    "staff admin:accounts_membership_changelist": Page(
        "staff", "admin:accounts_membership_changelist"
    ),
    "staff admin:accounts_patient_changelist": Page("staff", "admin:accounts_patient_changelist"),
    "staff admin:accounts_user_changelist": Page("staff", "admin:accounts_user_changelist"),
    "staff admin:auth_group_changelist": Page("staff", "admin:auth_group_changelist"),
    "staff admin:axes_accessattempt_changelist": Page(
        "staff", "admin:axes_accessattempt_changelist"
    ),
    "staff admin:axes_accessfailurelog_changelist": Page(
        "staff", "admin:axes_accessfailurelog_changelist"
    ),
    "staff admin:axes_accesslog_changelist": Page("staff", "admin:axes_accesslog_changelist"),
    "staff admin:background_heartbeat_changelist": Page(
        "staff", "admin:background_heartbeat_changelist"
    ),
    "staff admin:background_scheduledjob_changelist": Page(
        "staff", "admin:background_scheduledjob_changelist"
    ),
    "staff admin:django_tasks_database_dbtaskresult_changelist": Page(
        "staff", "admin:django_tasks_database_dbtaskresult_changelist"
    ),
    "staff admin:mats_contraindication_changelist": Page(
        "staff", "admin:mats_contraindication_changelist"
    ),
    "staff admin:mats_evidencesummary_changelist": Page(
        "staff", "admin:mats_evidencesummary_changelist"
    ),
    "staff admin:mats_guidancepage_changelist": Page("staff", "admin:mats_guidancepage_changelist"),
    "staff admin:mats_position_changelist": Page("staff", "admin:mats_position_changelist"),
    "staff admin:mats_routinetemplate_changelist": Page(
        "staff", "admin:mats_routinetemplate_changelist"
    ),
    "staff admin:mats_safetysection_changelist": Page(
        "staff", "admin:mats_safetysection_changelist"
    ),
    "staff admin:mats_safetyversion_changelist": Page(
        "staff", "admin:mats_safetyversion_changelist"
    ),
    "staff admin:mats_stoprule_changelist": Page("staff", "admin:mats_stoprule_changelist"),
    "staff admin:notifications_outgoingemail_changelist": Page(
        "staff", "admin:notifications_outgoingemail_changelist"
    ),
    "staff admin:otp_static_staticdevice_changelist": Page(
        "staff", "admin:otp_static_staticdevice_changelist"
    ),
    "staff admin:otp_totp_totpdevice_changelist": Page(
        "staff", "admin:otp_totp_totpdevice_changelist"
    ),
    "staff admin:plans_plan_changelist": Page("staff", "admin:plans_plan_changelist"),
    "staff admin:plans_screening_changelist": Page("staff", "admin:plans_screening_changelist"),
    "staff admin:usage_sessionlog_changelist": Page("staff", "admin:usage_sessionlog_changelist"),
    "staff admin:usage_sideeffectreport_changelist": Page(
        "staff", "admin:usage_sideeffectreport_changelist"
    ),
    "staff admin:visits_appointment_changelist": Page(
        "staff", "admin:visits_appointment_changelist"
    ),
    "visitor login": Page("visitor", "login"),
}
