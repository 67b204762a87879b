from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and clinics"

    def ready(self) -> None:
        # Registers the refusals' sentences; connects the receivers.
        from accounts import messages, signals  # noqa: F401
