from django.apps import AppConfig


class MatsConfig(AppConfig):
    name = "mats"
    verbose_name = "Mat library and safety"
