"""The patient's care version: a number raised with every write to the rows
their flags are worked out from (screenings and their answers and
confirmations, plans, clearances, planned sessions, session logs, side-effect
reports). The review stores each patient's flag with the version it was worked
out for; a different number means the stored flag is out of date.

The care apps sit above ``accounts``, so each writer calls ``care_changed``
itself, in the transaction that writes (``clinic.review.apps`` adds signals
for saves and deletes of single rows, the admin's included). A bulk write
(``bulk_create``, a queryset's ``update``) sends no signal, so its writer must
call this."""

from django.db.models import F

from accounts.models import Patient


def care_changed(**lookup: object) -> None:
    """Raise the care version of the patients ``lookup`` finds (``pk=...``, or
    a relation such as ``plans=plan_id``): one conditional UPDATE."""
    Patient.objects.filter(**lookup).update(care_version=F("care_version") + 1)
