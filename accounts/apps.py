from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and clinics"

    def ready(self) -> None:
        # Registers the refusals' sentences, the receivers and the proxy check.
        from accounts import messages, sign_in_limits, signals, throttle  # noqa: F401
