from django import forms

from clinic.usage.models import FEEDBACK_MAX_LENGTH, Feedback


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
