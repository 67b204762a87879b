"""The patient's care version: a number raised with every write to the rows
their flags are worked out from (screenings and their answers and
confirmations, plans, clearances, planned sessions, session logs, side-effect
reports). The same UPDATE marks the patient's stored flag out of date
(``Patient.flag_until``); the review stores a worked-out flag only while the
version is still the one it read (``clinic.review.flags``), so a write landing
after that read leaves the flag out of date, never wrong.

The care apps sit above ``accounts``, so each writer calls ``care_changed``
itself, in the transaction that writes (``clinic.review.apps`` adds signals
for saves and deletes of single rows, the admin's included). A bulk write
(``bulk_create``, a queryset's ``update``) sends no signal, so its writer must
call this."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F

from accounts.models import FLAG_OUT_OF_DATE, Patient

# Set inside ``changing_care_of``: the patient's version is raised already.
_raised: ContextVar[bool] = ContextVar("care_version_raised", default=False)


def care_changed(**lookup: object) -> None:
    """Raise the care version of the patients ``lookup`` finds (``pk=...``, or
    a relation such as ``plans=plan_id``) and mark their stored flags out of
    date: one conditional UPDATE. Inside ``changing_care_of`` it is raised
    already, and nothing is done."""
    if _raised.get():
        return
    Patient.objects.filter(**lookup).update(
        care_version=F("care_version") + 1, flag_until=FLAG_OUT_OF_DATE
    )


@contextmanager
def changing_care_of(patient_pk: int) -> Iterator[None]:
    """Raise the patient's care version once, and let the care rows written
    inside (all of them this patient's) pass without raising it again. The
    UPDATE also locks the patient's row until the transaction ends, so a
    second writer for the same patient waits here: use it inside a
    transaction, as the lock for a change to the patient's care."""
    care_changed(pk=patient_pk)
    token = _raised.set(True)
    try:
        yield
    finally:
        _raised.reset(token)
