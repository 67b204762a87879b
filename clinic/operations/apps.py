from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The operator's commands (backup and restore); no models, no pages."""

    name = "clinic.operations"
    label = "operations"
    verbose_name = "Operations"
