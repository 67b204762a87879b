from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "clinic.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from clinic.patients import messages  # noqa: F401  (registers the sentences)
