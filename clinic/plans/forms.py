"""Forms for assigning and changing a plan, clearing it and screening.

The forms give the friendly messages; ``clinic.plans.services`` checks the
same rules (``clinic.plans.rules``) again under a lock, and the database
constraints are the backstop.
"""

from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from accounts.bounds import BoundedDateField, BoundedModelMultipleChoiceField
from accounts.errors import ServiceError, sentence
from accounts.forms import PlainLabelsMixin
from accounts.models import Patient
from clinic.plans.models import NOTE_FOR_PATIENT_MAX_LENGTH, REASON_MAX_LENGTH
from clinic.plans.rules import plan_date_problems
from clinic.plans.schedule import Stage, stage_of
from mats.ladder import MAX_MINUTES, MAX_SESSIONS_PER_WEEK
from mats.models import Clothing, Position, RoutineStage, RoutineTemplate, SafetyVersion, Surface
from mats.services import (
    published_contraindications,
    published_positions,
    published_routine_templates,
)
from mats.snapshots import ContraindicationEntry


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


DATE_ERRORS = {
    "required": "Enter a date.",
    "invalid": "Enter a date, for example 21/11/2026.",
}


def add_refusal(form: forms.BaseForm, error: ServiceError) -> None:
    """Show a service's refusal next to the field it names, or above the form
    when the form has no such field."""
    form.add_error(error.field if error.field in form.fields else None, sentence(error))


class _RoutineNames(forms.models.ModelChoiceIterator):
    """The routines' names for the list: their stages, which the chosen
    routine brings along, are not read for every routine listed."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.queryset.prefetch_related(None)


class _RoutineField(forms.ModelChoiceField):
    iterator = _RoutineNames


def _routine_field(**kwargs) -> forms.ModelChoiceField:
    """A published routine, chosen by its slug (the queryset is set per form)."""
    return _RoutineField(
        label="Routine", queryset=RoutineTemplate.objects.none(), to_field_name="slug", **kwargs
    )


class RoutineChoiceForm(PlainLabelsMixin, forms.Form):
    """Which routine the assignment page starts from (its query string)."""

    routine = _routine_field(
        required=False,
        empty_label="Choose a routine",
        error_messages={
            "invalid_choice": "That routine is not published. Choose one from the list."
        },
    )

    def __init__(self, *args, swap_url: str = "", **kwargs):
        # The plan form has a (hidden) "routine" field too: keep the ids apart.
        kwargs.setdefault("auto_id", "choose_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["routine"]
        field.queryset = published_routine_templates()
        if swap_url:
            # With JavaScript, choosing swaps in the routine's stages at once;
            # without it, the "Use this routine" button reloads the page.
            field.widget.attrs.update(
                {
                    "hx-get": swap_url,
                    "hx-trigger": "change",
                    "hx-target": "#stages",
                    "hx-swap": "outerHTML",
                    "hx-push-url": "true",
                }
            )


class PlanForm(PlainLabelsMixin, forms.Form):
    routine = _routine_field(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a routine first.",
            "invalid_choice": "That routine is no longer published. Choose another routine.",
        },
    )
    start_date = BoundedDateField(
        label="First day", widget=_date_input(), error_messages=DATE_ERRORS
    )
    end_date = BoundedDateField(
        label="Last day",
        widget=_date_input(),
        error_messages=DATE_ERRORS,
        help_text="Usually the day before the next visit. At most 26 weeks after the first day.",
    )
    note_for_patient = forms.CharField(
        label="Note for the patient",
        required=False,
        max_length=NOTE_FOR_PATIENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with their plan. Plain words, for example what to focus on.",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, patient: Patient, today, replacing=None, **kwargs):
        self.patient, self.today, self.replacing = patient, today, replacing
        super().__init__(*args, **kwargs)
        # The posted stages replace the routine's, so its positions are not read.
        self.fields["routine"].queryset = published_routine_templates(positions=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            for problem in plan_date_problems(
                self.patient, start, end, today=self.today, replacing=self.replacing
            ):
                add_refusal(self, problem)
        return cleaned

    def routine_stages(self) -> list[RoutineStage]:
        """The chosen routine's stages (none while no valid routine is chosen)."""
        template = self.cleaned_data.get("routine")
        return list(template.stages.all()) if template else []


def _bounded(label: str, high: int, noun: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=high,
        error_messages={
            "required": f"Enter the {noun}.",
            "invalid": "Enter a whole number.",
            "min_value": f"At least 1, at most {high}.",
            "max_value": f"At most {high}: that is the safe upper bound.",
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": high, "inputmode": "numeric"}),
    )


class _SharedPositions(forms.models.ModelChoiceIterator):
    """The positions to choose from, as the formset read them for all its forms."""

    def __iter__(self):
        for position in self.field.rows:
            yield self.choice(position)

    def __len__(self) -> int:
        return len(self.field.rows)

    def __bool__(self) -> bool:
        return bool(self.field.rows)


class _PositionsField(BoundedModelMultipleChoiceField):
    """Positions chosen among ``rows``, the published positions the stage
    forms share: listed and checked without a query per stage. Cleans to the
    chosen rows in the order of ``rows``."""

    iterator = _SharedPositions
    rows: Sequence[Position] = ()

    def _check_values(self, value):
        self.check_keys(value)
        try:
            posted = {str(pk) for pk in frozenset(value)}
        except TypeError:
            error = self.error_messages["invalid_list"]
            raise ValidationError(error, code="invalid_list") from None
        unknown = sorted(posted - {str(row.pk) for row in self.rows})
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": unknown[0]},
            )
        return [row for row in self.rows if str(row.pk) in posted]


class StageForm(PlainLabelsMixin, forms.Form):
    """One stage of the chosen routine, as the practitioner prescribes it."""

    minutes_min = _bounded("Shortest session (minutes)", MAX_MINUTES, "shortest session")
    minutes_max = _bounded("Longest session (minutes)", MAX_MINUTES, "longest session")
    sessions_per_week = _bounded("Sessions a week", MAX_SESSIONS_PER_WEEK, "sessions a week")
    positions = _PositionsField(
        label="Positions",
        queryset=Position.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one position.",
            "invalid_choice": "Choose positions from the list.",
            "invalid_pk_value": "Choose positions from the list.",
        },
    )
    surface = forms.ChoiceField(label="Surface under the mat", choices=Surface.choices)
    clothing = forms.ChoiceField(label="Clothing layer", choices=Clothing.choices)

    def __init__(self, *args, template_stage: RoutineStage, positions, **kwargs):
        self.template_stage = template_stage
        super().__init__(*args, **kwargs)
        self.fields["positions"].rows = positions
        low, high = template_stage.minutes_min, template_stage.minutes_max
        help_texts = {
            "minutes_min": f"1 to {MAX_MINUTES}; the routine suggests {low} to {high}.",
            "minutes_max": f"Up to {MAX_MINUTES}, not below the shortest.",
            "sessions_per_week": f"1 to {MAX_SESSIONS_PER_WEEK}; the routine suggests "
            f"{template_stage.sessions_per_week}.",
        }
        for name, text in help_texts.items():
            self.fields[name].help_text = text

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("minutes_min"), cleaned.get("minutes_max")
        if low and high and high < low:
            self.add_error(
                "minutes_max",
                f"The longest session ({high} min) cannot be shorter than "
                f"the shortest ({low} min).",
            )
        return cleaned

    def as_stage(self) -> Stage:
        """The routine's stage (its weeks and goal) as the practitioner prescribed it."""
        data = self.cleaned_data
        return stage_of(
            self.template_stage,
            minutes_min=data["minutes_min"],
            minutes_max=data["minutes_max"],
            sessions_per_week=data["sessions_per_week"],
            positions=tuple(position.name for position in data["positions"]),
            surface=data["surface"],
            clothing=data["clothing"],
        )


def stage_initial(stage: RoutineStage) -> dict:
    return {
        "minutes_min": stage.minutes_min,
        "minutes_max": stage.minutes_max,
        "sessions_per_week": stage.sessions_per_week,
        "positions": [position.pk for position in stage.positions.all()],
        "surface": stage.surface,
        "clothing": stage.clothing,
    }


class BaseStageFormSet(forms.BaseFormSet):
    """One form per stage of the chosen routine: the routine decides how many
    stages there are and their weeks, never the posted data."""

    def __init__(self, data=None, *args, template_stages: Sequence[RoutineStage], **kwargs):
        self.template_stages = list(template_stages)
        if data is None:
            # A new formset starts from the routine's values; a posted one
            # shows and checks what was posted, so needs none of them.
            kwargs.setdefault("initial", [stage_initial(stage) for stage in self.template_stages])
        kwargs.setdefault("prefix", "stage")
        super().__init__(data, *args, **kwargs)

    @cached_property
    def positions(self) -> list[Position]:
        """The published positions, read once for all the stage forms."""
        return list(published_positions())

    def total_form_count(self) -> int:
        return len(self.template_stages)

    def initial_form_count(self) -> int:
        return len(self.template_stages)

    def get_form_kwargs(self, index):
        return {"template_stage": self.template_stages[index], "positions": self.positions}

    def as_stages(self) -> list[Stage]:
        return [form.as_stage() for form in self.forms]


StageFormSet = forms.formset_factory(StageForm, formset=BaseStageFormSet, extra=0)


class ClearanceForm(PlainLabelsMixin, forms.Form):
    """A reason for each relative contraindication the patient said yes to."""

    def __init__(self, *args, entries: Sequence[ContraindicationEntry], **kwargs):
        kwargs.setdefault("prefix", "clearance")
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[entry.code] = forms.CharField(
                label=f"Why the mat suits this patient despite “{entry.name}”",
                max_length=REASON_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=entry.explanation,
                error_messages={
                    "required": "Give your reason for clearing this, or do not assign the plan."
                },
            )

    def reasons(self) -> dict[str, str]:
        return dict(self.cleaned_data) if self.is_bound and self.is_valid() else {}


YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreeningForm(PlainLabelsMixin, forms.Form):
    """The current safety questions, answered by the patient or in clinic."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, entries: Sequence[ContraindicationEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[f"answer_{entry.code}"] = forms.TypedChoiceField(
                label=entry.question,
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
                help_text=entry.name,
                error_messages={"required": "Choose yes or no."},
            )

    @classmethod
    def for_version(cls, data, version: SafetyVersion | None) -> "ScreeningForm":
        """The questions of the published ``version`` (none when nothing is published)."""
        return cls(
            data,
            entries=published_contraindications() if version else (),
            initial={"version": version.number if version else None},
        )

    def asked_older_questions(self, version: SafetyVersion | None) -> bool:
        """The posted answers were to questions since replaced by ``version``."""
        posted = self.data.get("version") if self.is_bound else None
        return bool(version and posted and posted != str(version.number))

    def answers(self) -> dict[str, bool]:
        return {entry.code: self.cleaned_data[f"answer_{entry.code}"] for entry in self.entries}


def _reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=200, help_text="For the clinic's records."
    )


class PauseForm(PlainLabelsMixin, forms.Form):
    reason = _reason_field("Why pause (optional)")


class EndForm(PlainLabelsMixin, forms.Form):
    reason = _reason_field("Why end it now (optional)")


class ExtendForm(PlainLabelsMixin, forms.Form):
    new_end = BoundedDateField(
        label="New last day",
        widget=_date_input(),
        error_messages=DATE_ERRORS,
        help_text="For example the day before a newly booked visit.",
    )
