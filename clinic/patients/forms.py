from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models.functions import Lower

from accounts.bounds import BoundedEmailField
from accounts.forms import PlainLabelsMixin
from accounts.models import DELETION_MESSAGE_MAX_LENGTH, Membership, Patient, normalise_email
from accounts.text import displayable, validate_storable_text
from clinic.patients.messages import SENTENCES
from clinic.plans.models import PlanStatus

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


class AddPatientForm(PlainLabelsMixin, forms.ModelForm):
    """Never saved itself: ``clinic.patients.services.add_patient`` adds the patient."""

    class Meta:
        model = Patient
        fields = ["full_name", "email", "primary_practitioner"]
        field_classes = {"email": BoundedEmailField}
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
                "invalid_choice": SENTENCES["patients.practitioner_elsewhere"],
            },
        }

    def __init__(self, *args, membership: Membership, **kwargs):
        self.membership = membership
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
            raise forms.ValidationError(SENTENCES["patients.email_taken"])
        return email


class _StorableText(forms.CharField):
    """Free text that refuses what cannot be saved and can always be shown again."""

    def prepare_value(self, value):
        return displayable(value) if isinstance(value, str) else value


def _message_field() -> forms.CharField:
    field = _StorableText(
        label="A message for your clinic (optional)",
        required=False,
        max_length=DELETION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Up to {DELETION_MESSAGE_MAX_LENGTH} characters. Only your clinic sees it, "
            "on your page; it is never put in an email."
        ),
        error_messages={
            "max_length": SENTENCES["patients.deletion_message_too_long"].format(
                limit=DELETION_MESSAGE_MAX_LENGTH
            )
            + " It has %(show_value)d."
        },
    )
    # Django's own NUL check has a terse message; ours says what to do.
    field.validators = [
        validator
        for validator in field.validators
        if not isinstance(validator, ProhibitNullCharactersValidator)
    ] + [validate_storable_text]
    return field


class DeletionRequestForm(PlainLabelsMixin, forms.Form):
    """The patient's optional words with a request to delete their account.
    Never saved itself: ``clinic.patients.services.request_deletion`` records it."""

    message = _message_field()
