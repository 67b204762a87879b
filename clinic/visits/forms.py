from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import Patient
from clinic.visits.models import NOTE_MAX_LENGTH


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitForm(forms.Form):
    """A needling visit just held and, optionally, the next one booked."""

    visited_at = forms.DateTimeField(
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
    next_visit_at = forms.DateTimeField(
        label="Next booked visit",
        required=False,
        widget=_datetime_input(),
        help_text="Leave empty if nothing is booked yet.",
        error_messages={"invalid": "Enter a date and time, for example 5/12/2026 09:00."},
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        self.patient = patient
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_visited_at(self):
        visited_at = self.cleaned_data["visited_at"]
        if visited_at > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError(
                "A visit is recorded once it has happened. Enter a future one as the next visit."
            )
        return visited_at

    def clean_next_visit_at(self):
        next_visit_at = self.cleaned_data["next_visit_at"]
        if next_visit_at and next_visit_at > timezone.now() + timedelta(days=366):
            raise forms.ValidationError("The next visit must be within a year.")
        return next_visit_at

    def clean(self):
        cleaned = super().clean()
        visited_at, next_visit_at = cleaned.get("visited_at"), cleaned.get("next_visit_at")
        if visited_at and next_visit_at and next_visit_at <= visited_at:
            self.add_error("next_visit_at", "The next visit must come after this one.")
        taken = self.patient.appointments.filter(
            starts_at__in=[t for t in (visited_at, next_visit_at) if t]
        )
        if taken.exists():
            raise forms.ValidationError("This patient already has an appointment at that time.")
        return cleaned
