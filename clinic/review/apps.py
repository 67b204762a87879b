from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "clinic.review"
    label = "review"
    verbose_name = "Review before the next visit"

    def ready(self) -> None:
        from clinic.review import messages  # noqa: F401  (registers the sentences)
        from clinic.review.signals import connect

        connect()
