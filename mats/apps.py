from django.apps import AppConfig


class MatsConfig(AppConfig):
    name = "mats"
    verbose_name = "Mat library and safety"

    def ready(self) -> None:
        from mats import messages  # noqa: F401  (registers the refusals' sentences)
