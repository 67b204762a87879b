from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "clinic.review"
    label = "review"
    verbose_name = "Review before the next visit"
