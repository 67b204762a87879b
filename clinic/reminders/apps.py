from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "clinic.reminders"
    label = "reminders"
    verbose_name = "Reminders and calendar feeds"
