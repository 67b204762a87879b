from django import forms

from accounts.bounds import BoundedModelMultipleChoiceField
from accounts.forms import PlainLabelsMixin
from clinic.review.messages import SENTENCES
from clinic.usage.models import FEEDBACK_MAX_LENGTH, Feedback


class FeedbackForm(PlainLabelsMixin, forms.ModelForm):
    """A message for the patient after the review; they see it on their today
    page. Never saved itself: ``clinic.review.services.leave_feedback`` writes it."""

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
                "required": SENTENCES["review.feedback_empty"],
                "max_length": SENTENCES["review.feedback_too_long"].format(
                    limit=FEEDBACK_MAX_LENGTH
                ),
            }
        }


class SeenForm(forms.Form):
    """The side-effect reports the practitioner had in front of them."""

    reports = BoundedModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = patient.side_effect_reports.all()
