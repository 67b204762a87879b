from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "clinic.background"
    label = "background"
    verbose_name = "Background work"
