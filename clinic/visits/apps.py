from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "clinic.visits"
    label = "visits"
    verbose_name = "Needling visits"

    def ready(self) -> None:
        from clinic.visits import messages  # noqa: F401  (registers the sentences)
