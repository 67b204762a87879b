from datetime import timedelta

from django import forms
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Membership, Patient, normalise_email
from clinic.models import FEEDBACK_MAX_LENGTH, NOTE_MAX_LENGTH, Feedback, PlanStatus

NO_CURRENT_PLAN = "none"
NEEDS_ATTENTION = "attention"


class PatientSearchForm(forms.Form):
    """The patient list's query string; a bad value is a 400, not a 500."""

    q = forms.CharField(label="Search by name", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Plan",
        required=False,
        choices=[
            ("", "Any"),
            (PlanStatus.ACTIVE, "Active"),
            (PlanStatus.WAITING, "Waiting for screening"),
            (PlanStatus.PAUSED, "Paused"),
            (NO_CURRENT_PLAN, "No current plan"),
        ],
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everyone, flagged first"), (NEEDS_ATTENTION, "Flagged patients only")],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class AddPatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["full_name", "email", "primary_practitioner"]
        labels = {
            "full_name": "Patient's name",
            "email": "Patient's email",
            "primary_practitioner": "Primary practitioner",
        }
        help_texts = {
            "email": "We send the invitation link here. It works for 7 days.",
        }
        error_messages = {
            "full_name": {"required": "Please enter the patient's name."},
            "email": {
                "required": "Please enter the patient's email address.",
                "invalid": "This does not look like an email address; check it for typos.",
            },
            "primary_practitioner": {
                "required": "Please choose the patient's primary practitioner.",
                "invalid_choice": "Please choose a practitioner from this clinic.",
            },
        }

    def __init__(self, *args, membership: Membership, **kwargs):
        self.membership = membership
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["primary_practitioner"]
        field.queryset = (
            Membership.objects.filter(
                clinic_id=membership.clinic_id, role=Membership.Role.PRACTITIONER
            )
            .select_related("user")
            .order_by(Lower("user__full_name"))
        )
        field.label_from_instance = lambda m: m.user.full_name or m.user.email
        field.empty_label = None
        if membership.role == Membership.Role.PRACTITIONER:
            field.initial = membership.pk
        self.instance.clinic_id = membership.clinic_id
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Please enter the patient's name.")
        return name

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        clash = Patient.objects.filter(
            clinic_id=self.membership.clinic_id, email__iexact=email
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "This clinic already has a patient with that email address."
            )
        return email


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


class FeedbackForm(forms.ModelForm):
    """A message for the patient after the review; they see it on their today page."""

    class Meta:
        model = Feedback
        fields = ["message"]
        labels = {"message": "Message to the patient"}
        help_texts = {
            "message": (
                f"They see the latest message on their Today page. Up to "
                f"{FEEDBACK_MAX_LENGTH} characters."
            )
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "message": {
                "required": "Write a message for the patient, or leave the box alone.",
                "max_length": f"Keep it to {FEEDBACK_MAX_LENGTH} characters, please.",
            }
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Write a message for the patient, or leave the box alone.")
        return message


class SeenForm(forms.Form):
    """The side-effect reports the practitioner had in front of them."""

    reports = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = patient.side_effect_reports.all()
