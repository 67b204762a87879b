from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import email_change_views, factor_views, passkeys, people_views, sudo_views, views
from accounts.forms import (
    ChangePasswordForm,
    ChooseNewPasswordForm,
    EmailAuthenticationForm,
    ResetPasswordForm,
)
from accounts.sudo import sudo_required

# The WebAuthn ceremony's four JSON endpoints (django-otp-webauthn, with the
# site's rules in accounts.passkeys). The namespace and names are the
# library's, so that its script configuration finds them.
passkey_ceremony = (
    [
        path(
            "registration/begin/",
            passkeys.BeginRegistration.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            passkeys.CompleteRegistration.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            passkeys.BeginAuthentication.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            passkeys.CompleteAuthentication.as_view(),
            name="credential-authentication-complete",
        ),
    ],
    "otp_webauthn",
)

# Django's own views for sign-in, password change and reset, with our
# templates. They keep Django's URL names because the views reverse them.
urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        # The sudo moment first: a stolen session must not lock the owner out.
        sudo_required(views.AuditedPasswordChangeView.as_view(form_class=ChangePasswordForm)),
        name="password_change",
    ),
    path(
        "account/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetPasswordForm,
            html_email_template_name=None,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.AuditedPasswordResetConfirmView.as_view(form_class=ChooseNewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/confirm/", sudo_views.confirm_identity, name="confirm-identity"),
    # Changing one's own sign-in address (accounts.email_change).
    path("account/email/", email_change_views.email_change_request, name="email-change"),
    path("account/email/sent/", email_change_views.email_change_sent, name="email-change-sent"),
    path(
        "account/email/confirm/<str:token>/",
        email_change_views.email_change_confirm,
        name="email-change-confirm",
    ),
    # The clinic admin's people, and resetting a lost second factor.
    path("clinic/people/", people_views.people_list, name="clinic-people"),
    path(
        "clinic/people/<int:pk>/reset-second-factor/",
        people_views.person_factor_reset,
        name="clinic-person-factor-reset",
    ),
    # The second factor (accounts.factor_views).
    path("account/security/", factor_views.account_security, name="account-security"),
    path("account/security/set-up/", factor_views.factor_setup, name="factor-setup"),
    path("account/security/check/", factor_views.factor_verify, name="factor-verify"),
    path("account/security/recovery-codes/", factor_views.recovery_codes, name="recovery-codes"),
    path("account/security/turn-off/", factor_views.factor_remove, name="factor-remove"),
    path("account/security/passkeys/add/", factor_views.passkey_add, name="passkey-add"),
    path("account/security/passkeys/<int:pk>/", factor_views.passkey_rename, name="passkey-rename"),
    path(
        "account/security/passkeys/<int:pk>/remove/",
        factor_views.passkey_remove,
        name="passkey-remove",
    ),
    path("account/security/passkeys/webauthn/", include(passkey_ceremony)),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitation/<str:token>/renew/", views.invitation_renew, name="invitation-renew"),
    path("invitation-sent/", views.invitation_renewed, name="invitation-renewed"),
]
