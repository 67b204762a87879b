from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from mats.ladder import WeekRange, ladder_problems
from mats.models import BodyRegion, RoutineStage


class RoutineStageForm(forms.ModelForm):
    class Meta:
        model = RoutineStage
        fields = [
            "week_from",
            "week_to",
            "surface",
            "clothing",
            "minutes_min",
            "minutes_max",
            "sessions_per_week",
            "positions",
            "goal",
        ]
        widgets = {"positions": forms.CheckboxSelectMultiple}
        error_messages = {
            "positions": {"required": "Choose at least one position for this stage."},
        }


class LadderFormSet(BaseInlineFormSet):
    """The stages of one routine, checked together as a ladder of weeks."""

    def clean(self):
        super().clean()
        if any(self.errors):
            # Each stage's own problems come first; the ladder is checked once
            # every stage makes sense on its own.
            return
        ranges = [
            WeekRange(form.cleaned_data["week_from"], form.cleaned_data.get("week_to"))
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        problems = ladder_problems(ranges)
        if problems:
            raise ValidationError(problems)


class PublishSafetyVersionForm(forms.Form):
    change_note = forms.CharField(
        label="Change note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Patients see this when they are asked to read the safety guidance again. "
        "Say what changed and why, in plain words.",
        error_messages={"required": "Write a change note before publishing."},
    )


class AcknowledgeForm(forms.Form):
    """The version the patient was shown, so that a version published while
    they were reading is not acknowledged by mistake."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PositionFilterForm(forms.Form):
    region = forms.ChoiceField(
        label="Body region",
        choices=[("", "All regions"), *BodyRegion.choices],
        required=False,
    )
