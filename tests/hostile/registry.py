"""Every form and every query-reading page the hostile tests drive, and the
page each is found on. tests/hostile/test_discovery.py fails when a page
gains a form or a parameter that is not listed here, so none escapes.

Keys: "<persona> <METHOD> <URL name it is sent to>" for forms,
"<persona> <URL name>" for query pages.
"""

from tests.hostile.discovery import Page

FORMS = {
    "alice GET patient-list": Page(
        persona="alice", name="patient-list", kwargs="", query="", state=""
    ),
    "alice GET plan-assign": Page(
        persona="alice", name="plan-assign", kwargs="patient", query="", state=""
    ),
    "alice GET position-list": Page(
        persona="alice", name="position-list", kwargs="", query="", state=""
    ),
    "alice POST confirm-identity": Page(
        persona="alice", name="confirm-identity", kwargs="", query="", state=""
    ),
    "alice POST deletion-handled": Page(
        persona="alice",
        name="patient-detail",
        kwargs="patient",
        query="",
        state="deletion requested",
    ),
    "alice POST logout": Page(persona="alice", name="patient-list", kwargs="", query="", state=""),
    "alice POST password_reset": Page(
        persona="alice", name="password_reset", kwargs="", query="", state=""
    ),
    "alice POST passkey-rename": Page(
        persona="alice", name="passkey-rename", kwargs="passkey", query="", state=""
    ),
    "alice POST patient-add": Page(
        persona="alice", name="patient-add", kwargs="", query="", state=""
    ),
    "alice POST patient-invite": Page(
        persona="alice", name="patient-detail", kwargs="stranger", query="", state=""
    ),
    "alice POST patient-screening": Page(
        persona="alice", name="patient-screening", kwargs="patient", query="", state=""
    ),
    "alice POST patient-visit-add": Page(
        persona="alice", name="patient-visit-add", kwargs="patient", query="", state=""
    ),
    "alice POST plan-assign": Page(
        persona="alice", name="plan-assign", kwargs="patient", query="routine={routine}", state=""
    ),
    "alice POST plan-end": Page(
        persona="alice", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "alice POST plan-extend": Page(
        persona="alice", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "alice POST plan-pause": Page(
        persona="alice", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "alice POST plan-resume": Page(
        persona="alice", name="plan-detail", kwargs="plan", query="", state="plan paused"
    ),
    "alice POST practitioner-notifications": Page(
        persona="alice", name="practitioner-notifications", kwargs="", query="", state=""
    ),
    "alice POST recovery-codes": Page(
        persona="alice", name="recovery-codes", kwargs="", query="", state=""
    ),
    "alice POST review-feedback": Page(
        persona="alice", name="patient-review", kwargs="patient", query="", state=""
    ),
    "alice POST review-mark-seen": Page(
        persona="alice", name="patient-review", kwargs="patient", query="", state=""
    ),
    "alice POST unsubscribe": Page(
        persona="alice", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
    "bob GET patient-list": Page(persona="bob", name="patient-list", kwargs="", query="", state=""),
    "bob GET position-list": Page(
        persona="bob", name="position-list", kwargs="", query="", state=""
    ),
    "bob POST confirm-identity": Page(
        persona="bob", name="confirm-identity", kwargs="", query="", state=""
    ),
    "bob POST logout": Page(persona="bob", name="patient-list", kwargs="", query="", state=""),
    "bob POST password_reset": Page(
        persona="bob", name="password_reset", kwargs="", query="", state=""
    ),
    "bob POST patient-add": Page(persona="bob", name="patient-add", kwargs="", query="", state=""),
    "bob POST practitioner-notifications": Page(
        persona="bob", name="practitioner-notifications", kwargs="", query="", state=""
    ),
    "bob POST recovery-codes": Page(
        persona="bob", name="recovery-codes", kwargs="", query="", state=""
    ),
    "bob POST unsubscribe": Page(
        persona="bob", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
    "carol GET clinic-audit": Page(
        persona="carol", name="clinic-audit", kwargs="", query="", state=""
    ),
    "carol GET patient-list": Page(
        persona="carol", name="patient-list", kwargs="", query="", state=""
    ),
    "carol GET plan-assign": Page(
        persona="carol", name="plan-assign", kwargs="patient", query="", state=""
    ),
    "carol GET position-list": Page(
        persona="carol", name="position-list", kwargs="", query="", state=""
    ),
    "carol POST confirm-identity": Page(
        persona="carol", name="confirm-identity", kwargs="", query="", state=""
    ),
    "carol POST logout": Page(persona="carol", name="patient-list", kwargs="", query="", state=""),
    "carol POST password_reset": Page(
        persona="carol", name="password_reset", kwargs="", query="", state=""
    ),
    "carol POST patient-add": Page(
        persona="carol", name="patient-add", kwargs="", query="", state=""
    ),
    "carol POST patient-screening": Page(
        persona="carol", name="patient-screening", kwargs="patient", query="", state=""
    ),
    "carol POST patient-visit-add": Page(
        persona="carol", name="patient-visit-add", kwargs="patient", query="", state=""
    ),
    "carol POST plan-assign": Page(
        persona="carol", name="plan-assign", kwargs="patient", query="", state=""
    ),
    "carol POST plan-end": Page(
        persona="carol", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "carol POST plan-extend": Page(
        persona="carol", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "carol POST plan-pause": Page(
        persona="carol", name="plan-detail", kwargs="plan", query="", state=""
    ),
    "carol POST practitioner-notifications": Page(
        persona="carol", name="practitioner-notifications", kwargs="", query="", state=""
    ),
    "carol POST recovery-codes": Page(
        persona="carol", name="recovery-codes", kwargs="", query="", state=""
    ),
    "carol POST review-feedback": Page(
        persona="carol", name="patient-review", kwargs="patient", query="", state=""
    ),
    "carol POST review-mark-seen": Page(
        persona="carol", name="patient-review", kwargs="patient", query="", state=""
    ),
    "carol POST unsubscribe": Page(
        persona="carol", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
    "pat GET position-list": Page(
        persona="pat", name="position-list", kwargs="", query="", state=""
    ),
    "pat POST calendar-feed-reset": Page(
        persona="pat", name="patient-settings", kwargs="", query="", state=""
    ),
    "pat POST confirm-identity": Page(
        persona="pat", name="confirm-identity", kwargs="", query="", state=""
    ),
    "pat POST deletion-request": Page(
        persona="pat", name="deletion-request", kwargs="", query="", state=""
    ),
    "pat POST factor-setup": Page(
        persona="pat", name="factor-setup", kwargs="", query="", state=""
    ),
    "pat POST logout": Page(persona="pat", name="patient-home", kwargs="", query="", state=""),
    "pat POST password_reset": Page(
        persona="pat", name="password_reset", kwargs="", query="", state=""
    ),
    "pat POST patient-reminder-offer": Page(
        persona="pat", name="patient-home", kwargs="", query="", state=""
    ),
    "pat POST patient-reminders": Page(
        persona="pat", name="patient-settings", kwargs="", query="", state=""
    ),
    "pat POST patient-settings": Page(
        persona="pat", name="patient-settings", kwargs="", query="", state=""
    ),
    "pat POST safety-questions": Page(
        persona="pat", name="safety-questions", kwargs="", query="", state=""
    ),
    "pat POST session-check-off": Page(
        persona="pat", name="session-timer", kwargs="", query="", state=""
    ),
    "pat POST session-details": Page(
        persona="pat", name="session-day", kwargs="session", query="", state="checked off"
    ),
    "pat POST session-undo": Page(
        persona="pat", name="session-day", kwargs="session", query="", state="checked off"
    ),
    "pat POST side-effect-report": Page(
        persona="pat", name="side-effect-report", kwargs="", query="", state=""
    ),
    "pat POST email-change": Page(
        persona="pat", name="email-change", kwargs="", query="", state=""
    ),
    "alice POST email-change": Page(
        persona="alice", name="email-change", kwargs="", query="", state=""
    ),
    "pat POST email-change-confirm": Page(
        persona="pat", name="email-change-confirm", kwargs="email_change", query="", state=""
    ),
    "pat POST unsubscribe": Page(
        persona="pat", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
    "staff GET admin:accounts_clinic_changelist": Page(
        persona="staff", name="admin:accounts_clinic_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:accounts_invitation_changelist": Page(
        persona="staff", name="admin:accounts_invitation_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:accounts_membership_changelist": Page(
        persona="staff", name="admin:accounts_membership_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:accounts_patient_changelist": Page(
        persona="staff", name="admin:accounts_patient_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:accounts_user_changelist": Page(
        persona="staff", name="admin:accounts_user_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:auth_group_changelist": Page(
        persona="staff", name="admin:auth_group_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:axes_accessattempt_changelist": Page(
        persona="staff", name="admin:axes_accessattempt_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:axes_accessfailurelog_changelist": Page(
        persona="staff",
        name="admin:axes_accessfailurelog_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff GET admin:axes_accesslog_changelist": Page(
        persona="staff", name="admin:axes_accesslog_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_contraindication_changelist": Page(
        persona="staff",
        name="admin:mats_contraindication_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff GET admin:mats_evidencesummary_changelist": Page(
        persona="staff", name="admin:mats_evidencesummary_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_guidancepage_changelist": Page(
        persona="staff", name="admin:mats_guidancepage_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_position_changelist": Page(
        persona="staff", name="admin:mats_position_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_routinetemplate_changelist": Page(
        persona="staff", name="admin:mats_routinetemplate_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_safetysection_changelist": Page(
        persona="staff", name="admin:mats_safetysection_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_safetyversion_changelist": Page(
        persona="staff", name="admin:mats_safetyversion_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:mats_stoprule_changelist": Page(
        persona="staff", name="admin:mats_stoprule_changelist", kwargs="", query="", state=""
    ),
    "staff GET admin:otp_static_staticdevice_changelist": Page(
        persona="staff",
        name="admin:otp_static_staticdevice_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff GET admin:otp_totp_totpdevice_changelist": Page(
        persona="staff", name="admin:otp_totp_totpdevice_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_auditevent_change": Page(
        persona="staff",
        name="admin:accounts_auditevent_change",
        kwargs="admin:accounts_auditevent",
        query="",
        state="",
    ),
    "staff POST admin:accounts_auditevent_changelist": Page(
        persona="staff", name="admin:accounts_auditevent_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_clinic_add": Page(
        persona="staff", name="admin:accounts_clinic_add", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_clinic_change": Page(
        persona="staff",
        name="admin:accounts_clinic_change",
        kwargs="admin:accounts_clinic",
        query="",
        state="",
    ),
    "staff POST admin:accounts_clinic_changelist": Page(
        persona="staff", name="admin:accounts_clinic_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_deletionrequest_changelist": Page(
        persona="staff",
        name="admin:accounts_deletionrequest_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:accounts_invitation_change": Page(
        persona="staff",
        name="admin:accounts_invitation_change",
        kwargs="admin:accounts_invitation",
        query="",
        state="",
    ),
    "staff POST admin:accounts_invitation_changelist": Page(
        persona="staff", name="admin:accounts_invitation_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_membership_add": Page(
        persona="staff", name="admin:accounts_membership_add", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_membership_change": Page(
        persona="staff",
        name="admin:accounts_membership_change",
        kwargs="admin:accounts_membership",
        query="",
        state="",
    ),
    "staff POST admin:accounts_membership_changelist": Page(
        persona="staff", name="admin:accounts_membership_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_patient_add": Page(
        persona="staff", name="admin:accounts_patient_add", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_patient_change": Page(
        persona="staff",
        name="admin:accounts_patient_change",
        kwargs="admin:accounts_patient",
        query="",
        state="",
    ),
    "staff POST admin:accounts_patient_changelist": Page(
        persona="staff", name="admin:accounts_patient_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_user_add": Page(
        persona="staff", name="admin:accounts_user_add", kwargs="", query="", state=""
    ),
    "staff POST admin:accounts_user_change": Page(
        persona="staff",
        name="admin:accounts_user_change",
        kwargs="admin:accounts_user",
        query="",
        state="",
    ),
    "staff POST admin:accounts_user_changelist": Page(
        persona="staff", name="admin:accounts_user_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:auth_group_add": Page(
        persona="staff", name="admin:auth_group_add", kwargs="", query="", state=""
    ),
    "staff POST admin:auth_group_change": Page(
        persona="staff",
        name="admin:auth_group_change",
        kwargs="admin:auth_group",
        query="",
        state="",
    ),
    "staff POST admin:auth_group_changelist": Page(
        persona="staff", name="admin:auth_group_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:axes_accessattempt_changelist": Page(
        persona="staff", name="admin:axes_accessattempt_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:axes_accessfailurelog_changelist": Page(
        persona="staff",
        name="admin:axes_accessfailurelog_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:axes_accesslog_change": Page(
        persona="staff",
        name="admin:axes_accesslog_change",
        kwargs="admin:axes_accesslog",
        query="",
        state="",
    ),
    "staff POST admin:axes_accesslog_changelist": Page(
        persona="staff", name="admin:axes_accesslog_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:background_heartbeat_change": Page(
        persona="staff",
        name="admin:background_heartbeat_change",
        kwargs="admin:background_heartbeat",
        query="",
        state="",
    ),
    "staff POST admin:background_heartbeat_changelist": Page(
        persona="staff", name="admin:background_heartbeat_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:background_scheduledjob_changelist": Page(
        persona="staff",
        name="admin:background_scheduledjob_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:django_tasks_database_dbtaskresult_changelist": Page(
        persona="staff",
        name="admin:django_tasks_database_dbtaskresult_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:logout": Page(
        persona="staff", name="admin:index", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_contraindication_add": Page(
        persona="staff", name="admin:mats_contraindication_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_contraindication_change": Page(
        persona="staff",
        name="admin:mats_contraindication_change",
        kwargs="admin:mats_contraindication",
        query="",
        state="",
    ),
    "staff POST admin:mats_contraindication_changelist": Page(
        persona="staff",
        name="admin:mats_contraindication_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:mats_evidencesummary_add": Page(
        persona="staff", name="admin:mats_evidencesummary_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_evidencesummary_changelist": Page(
        persona="staff", name="admin:mats_evidencesummary_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_guidancepage_add": Page(
        persona="staff", name="admin:mats_guidancepage_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_guidancepage_change": Page(
        persona="staff",
        name="admin:mats_guidancepage_change",
        kwargs="admin:mats_guidancepage",
        query="",
        state="",
    ),
    "staff POST admin:mats_guidancepage_changelist": Page(
        persona="staff", name="admin:mats_guidancepage_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_position_add": Page(
        persona="staff", name="admin:mats_position_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_position_change": Page(
        persona="staff",
        name="admin:mats_position_change",
        kwargs="admin:mats_position",
        query="",
        state="",
    ),
    "staff POST admin:mats_position_changelist": Page(
        persona="staff", name="admin:mats_position_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_routinetemplate_add": Page(
        persona="staff", name="admin:mats_routinetemplate_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_routinetemplate_change": Page(
        persona="staff",
        name="admin:mats_routinetemplate_change",
        kwargs="admin:mats_routinetemplate",
        query="",
        state="",
    ),
    "staff POST admin:mats_routinetemplate_changelist": Page(
        persona="staff", name="admin:mats_routinetemplate_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_safetysection_add": Page(
        persona="staff", name="admin:mats_safetysection_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_safetysection_change": Page(
        persona="staff",
        name="admin:mats_safetysection_change",
        kwargs="admin:mats_safetysection",
        query="",
        state="",
    ),
    "staff POST admin:mats_safetysection_changelist": Page(
        persona="staff", name="admin:mats_safetysection_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_safetyversion_change": Page(
        persona="staff",
        name="admin:mats_safetyversion_change",
        kwargs="admin:mats_safetyversion",
        query="",
        state="",
    ),
    "staff POST admin:mats_safetyversion_changelist": Page(
        persona="staff", name="admin:mats_safetyversion_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_stoprule_add": Page(
        persona="staff", name="admin:mats_stoprule_add", kwargs="", query="", state=""
    ),
    "staff POST admin:mats_stoprule_change": Page(
        persona="staff",
        name="admin:mats_stoprule_change",
        kwargs="admin:mats_stoprule",
        query="",
        state="",
    ),
    "staff POST admin:mats_stoprule_changelist": Page(
        persona="staff", name="admin:mats_stoprule_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:notifications_outgoingemail_change": Page(
        persona="staff",
        name="admin:notifications_outgoingemail_change",
        kwargs="admin:notifications_outgoingemail",
        query="",
        state="",
    ),
    "staff POST admin:notifications_outgoingemail_changelist": Page(
        persona="staff",
        name="admin:notifications_outgoingemail_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:otp_static_staticdevice_add": Page(
        persona="staff", name="admin:otp_static_staticdevice_add", kwargs="", query="", state=""
    ),
    "staff POST admin:otp_static_staticdevice_changelist": Page(
        persona="staff",
        name="admin:otp_static_staticdevice_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:otp_totp_totpdevice_add": Page(
        persona="staff", name="admin:otp_totp_totpdevice_add", kwargs="", query="", state=""
    ),
    "staff POST admin:otp_totp_totpdevice_change": Page(
        persona="staff",
        name="admin:otp_totp_totpdevice_change",
        kwargs="admin:otp_totp_totpdevice",
        query="",
        state="",
    ),
    "staff POST admin:otp_totp_totpdevice_changelist": Page(
        persona="staff", name="admin:otp_totp_totpdevice_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:plans_plan_change": Page(
        persona="staff",
        name="admin:plans_plan_change",
        kwargs="admin:plans_plan",
        query="",
        state="",
    ),
    "staff POST admin:plans_plan_changelist": Page(
        persona="staff", name="admin:plans_plan_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:plans_screening_change": Page(
        persona="staff",
        name="admin:plans_screening_change",
        kwargs="admin:plans_screening",
        query="",
        state="",
    ),
    "staff POST admin:plans_screening_changelist": Page(
        persona="staff", name="admin:plans_screening_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:usage_sessionlog_changelist": Page(
        persona="staff", name="admin:usage_sessionlog_changelist", kwargs="", query="", state=""
    ),
    "staff POST admin:usage_sideeffectreport_change": Page(
        persona="staff",
        name="admin:usage_sideeffectreport_change",
        kwargs="admin:usage_sideeffectreport",
        query="",
        state="",
    ),
    "staff POST admin:usage_sideeffectreport_changelist": Page(
        persona="staff",
        name="admin:usage_sideeffectreport_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff POST admin:visits_appointment_changelist": Page(
        persona="staff", name="admin:visits_appointment_changelist", kwargs="", query="", state=""
    ),
    "staff POST confirm-identity": Page(
        persona="staff", name="confirm-identity", kwargs="", query="", state=""
    ),
    "staff POST logout": Page(
        persona="staff", name="confirm-identity", kwargs="", query="", state=""
    ),
    "staff POST password_reset": Page(
        persona="staff", name="password_reset", kwargs="", query="", state=""
    ),
    "staff POST recovery-codes": Page(
        persona="staff", name="recovery-codes", kwargs="", query="", state=""
    ),
    "staff POST unsubscribe": Page(
        persona="staff", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
    "visitor POST invitation-accept": Page(
        persona="visitor", name="invitation-accept", kwargs="token", query="", state=""
    ),
    "visitor POST login": Page(persona="visitor", name="login", kwargs="", query="", state=""),
    "visitor POST password_reset": Page(
        persona="visitor", name="password_reset", kwargs="", query="", state=""
    ),
    "visitor POST unsubscribe": Page(
        persona="visitor", name="unsubscribe", kwargs="unsubscribe", query="", state=""
    ),
}

QUERY_PAGES = {
    "alice patient-list": Page(persona="alice", name="patient-list", kwargs="", query="", state=""),
    "alice plan-assign": Page(
        persona="alice", name="plan-assign", kwargs="patient", query="", state=""
    ),
    "alice position-list": Page(
        persona="alice", name="position-list", kwargs="", query="", state=""
    ),
    "bob patient-list": Page(persona="bob", name="patient-list", kwargs="", query="", state=""),
    "bob position-list": Page(persona="bob", name="position-list", kwargs="", query="", state=""),
    "carol clinic-audit": Page(persona="carol", name="clinic-audit", kwargs="", query="", state=""),
    "carol patient-list": Page(persona="carol", name="patient-list", kwargs="", query="", state=""),
    "carol plan-assign": Page(
        persona="carol", name="plan-assign", kwargs="patient", query="", state=""
    ),
    "carol position-list": Page(
        persona="carol", name="position-list", kwargs="", query="", state=""
    ),
    "pat position-list": Page(persona="pat", name="position-list", kwargs="", query="", state=""),
    "staff admin:accounts_auditevent_changelist": Page(
        persona="staff", name="admin:accounts_auditevent_changelist", kwargs="", query="", state=""
    ),
    "staff admin:accounts_clinic_changelist": Page(
        persona="staff", name="admin:accounts_clinic_changelist", kwargs="", query="", state=""
    ),
    "staff admin:accounts_deletionrequest_changelist": Page(
        persona="staff",
        name="admin:accounts_deletionrequest_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:accounts_invitation_changelist": Page(
        persona="staff", name="admin:accounts_invitation_changelist", kwargs="", query="", state=""
    ),
    "staff admin:accounts_membership_changelist": Page(
        persona="staff", name="admin:accounts_membership_changelist", kwargs="", query="", state=""
    ),
    "staff admin:accounts_patient_changelist": Page(
        persona="staff", name="admin:accounts_patient_changelist", kwargs="", query="", state=""
    ),
    "staff admin:accounts_user_changelist": Page(
        persona="staff", name="admin:accounts_user_changelist", kwargs="", query="", state=""
    ),
    "staff admin:auth_group_changelist": Page(
        persona="staff", name="admin:auth_group_changelist", kwargs="", query="", state=""
    ),
    "staff admin:axes_accessattempt_changelist": Page(
        persona="staff", name="admin:axes_accessattempt_changelist", kwargs="", query="", state=""
    ),
    "staff admin:axes_accessfailurelog_changelist": Page(
        persona="staff",
        name="admin:axes_accessfailurelog_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:axes_accesslog_changelist": Page(
        persona="staff", name="admin:axes_accesslog_changelist", kwargs="", query="", state=""
    ),
    "staff admin:background_heartbeat_changelist": Page(
        persona="staff", name="admin:background_heartbeat_changelist", kwargs="", query="", state=""
    ),
    "staff admin:background_scheduledjob_changelist": Page(
        persona="staff",
        name="admin:background_scheduledjob_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:django_tasks_database_dbtaskresult_changelist": Page(
        persona="staff",
        name="admin:django_tasks_database_dbtaskresult_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:mats_contraindication_changelist": Page(
        persona="staff",
        name="admin:mats_contraindication_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:mats_evidencesummary_changelist": Page(
        persona="staff", name="admin:mats_evidencesummary_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_guidancepage_changelist": Page(
        persona="staff", name="admin:mats_guidancepage_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_position_changelist": Page(
        persona="staff", name="admin:mats_position_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_routinetemplate_changelist": Page(
        persona="staff", name="admin:mats_routinetemplate_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_safetysection_changelist": Page(
        persona="staff", name="admin:mats_safetysection_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_safetyversion_changelist": Page(
        persona="staff", name="admin:mats_safetyversion_changelist", kwargs="", query="", state=""
    ),
    "staff admin:mats_stoprule_changelist": Page(
        persona="staff", name="admin:mats_stoprule_changelist", kwargs="", query="", state=""
    ),
    "staff admin:notifications_outgoingemail_changelist": Page(
        persona="staff",
        name="admin:notifications_outgoingemail_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:otp_static_staticdevice_changelist": Page(
        persona="staff",
        name="admin:otp_static_staticdevice_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:otp_totp_totpdevice_changelist": Page(
        persona="staff", name="admin:otp_totp_totpdevice_changelist", kwargs="", query="", state=""
    ),
    "staff admin:plans_plan_changelist": Page(
        persona="staff", name="admin:plans_plan_changelist", kwargs="", query="", state=""
    ),
    "staff admin:plans_screening_changelist": Page(
        persona="staff", name="admin:plans_screening_changelist", kwargs="", query="", state=""
    ),
    "staff admin:usage_sessionlog_changelist": Page(
        persona="staff", name="admin:usage_sessionlog_changelist", kwargs="", query="", state=""
    ),
    "staff admin:usage_sideeffectreport_changelist": Page(
        persona="staff",
        name="admin:usage_sideeffectreport_changelist",
        kwargs="",
        query="",
        state="",
    ),
    "staff admin:visits_appointment_changelist": Page(
        persona="staff", name="admin:visits_appointment_changelist", kwargs="", query="", state=""
    ),
    "visitor login": Page(persona="visitor", name="login", kwargs="", query="", state=""),
}
