from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "clinic.usage"
    label = "usage"
    verbose_name = "The patient's mat sessions"

    def ready(self) -> None:
        from clinic.usage import messages  # noqa: F401  (registers the sentences)
