from django import forms

from accounts.bounds import BoundedDateTimeField
from accounts.forms import PlainLabelsMixin
from clinic.visits.models import NOTE_MAX_LENGTH


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitForm(PlainLabelsMixin, forms.Form):
    """A needling visit just held and, optionally, the next one booked. The
    rules on the times are the service's (``clinic.visits.services``)."""

    visited_at = BoundedDateTimeField(
        label="Visit date and time",
        widget=_datetime_input(),
        error_messages={
            "required": "Please enter when the visit took place.",
            "invalid": "Enter a date and time, for example 21/11/2026 14:30.",
        },
    )
    note = forms.CharField(
        label="Short note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the clinic's records; the patient does not see it.",
    )
    next_visit_at = BoundedDateTimeField(
        label="Next booked visit",
        required=False,
        widget=_datetime_input(),
        help_text="Leave empty if nothing is booked yet.",
        error_messages={"invalid": "Enter a date and time, for example 5/12/2026 09:00."},
    )
