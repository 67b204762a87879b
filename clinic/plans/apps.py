from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class PlansConfig(AppConfig):
    name = "clinic.plans"
    label = "plans"
    verbose_name = "Plans and safety screening"

    def ready(self) -> None:
        # The sentences for the services' refusal codes.
        from clinic.plans import messages  # noqa: F401
        from clinic.plans.upgrade import refuse_old_layout

        # Sent once for each app with models; listening for this one alone
        # checks the database once, before migrate changes anything.
        pre_migrate.connect(refuse_old_layout, sender=self, dispatch_uid="refuse-old-layout")
