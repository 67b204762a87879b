from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and clinics"

    def ready(self) -> None:
        # Registers the refusals' sentences, the receivers and the proxy check.
        from accounts import messages, sign_in_limits, signals, throttle  # noqa: F401
        from accounts.second_factor import apply_code_wait_ceiling

        apply_code_wait_ceiling()


class AuditedAdminConfig(admin_apps.AdminConfig):
    """Django's admin with ``accounts.admin_audit.AuditedAdminSite`` as its
    site, so that everything done in it is audited."""

    default = False  # named in INSTALLED_APPS; AccountsConfig stays this module's default
    default_site = "accounts.admin_audit.AuditedAdminSite"
