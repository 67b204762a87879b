from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from mats.ladder import WeekRange, ladder_problems
from mats.models import BodyRegion, Position, RoutineStage
from mats.pictures import prepare_upload


class PictureField(forms.ImageField):
    """An uploaded picture, checked and re-encoded by ``mats.pictures``: what
    reaches storage is always the clean copy, never the file as sent."""

    default_error_messages = {
        "invalid": "No file came through. Choose the picture again and save.",
        "missing": "No file came through. Choose the picture again and save.",
        "empty": "This file is empty. Choose the picture again and save.",
        "contradiction": "Either choose a new picture or tick “Clear”, not both.",
    }

    def to_python(self, data):
        # FileField's checks (a name, not empty), then ours in place of
        # ImageField's, which would accept any format Pillow can read.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return prepare_upload(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = "image/png,image/jpeg,image/webp"
        return attrs


class PositionAdminForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = [
            "name",
            "body_region",
            "is_published",
            "getting_on",
            "getting_off",
            "suggested_start_minutes",
            "uses_neck_pillow",
            "cautions",
            "illustration",
            "picture",
            "picture_alt",
        ]
        field_classes = {"picture": PictureField}


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
