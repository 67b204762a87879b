from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "clinic.usage"
    label = "usage"
    verbose_name = "The patient's mat sessions"
