"""Forms the patient fills in on their phone: ticking a session off, how it
went, side effects, and their time zone.

The forms give the friendly messages; the services and the database check
the rules that matter again.
"""

import zoneinfo
from collections.abc import Sequence
from functools import cache

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from accounts.forms import PlainLabelsMixin
from accounts.text import displayable, validate_storable_text
from accounts.widgets import (
    FastBoundField,
    FastCheckboxSelectMultiple,
    FastHiddenInput,
    FastNumberInput,
    FastSelect,
    FastTextarea,
)
from clinic.usage.models import (
    LOG_NOTE_MAX_LENGTH,
    SCORE_MAX,
    SIDE_EFFECT_DETAILS_MAX_LENGTH,
    Sensation,
)
from clinic.usage.rules import LogDetails
from clinic.usage.services import Noticed
from mats.ladder import MAX_MINUTES
from mats.snapshots import StopRuleEntry

# The zones a person would pick from: "Region/City", plus UTC. The old
# aliases ("GB", "US/Eastern", "EST5EDT") name the same clocks again.
_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def zone_choices() -> tuple[tuple[str, str], ...]:
    names = sorted(
        name for name in zoneinfo.available_timezones() if name.split("/")[0] in _REGIONS
    )
    return (("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names))


class TimeZoneForm(PlainLabelsMixin, forms.Form):
    """Which zone the patient's "today" follows; blank follows the clinic's."""

    def __init__(self, *args, clinic_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.ChoiceField(
            label="Your time zone",
            required=False,
            choices=[("", f"The clinic's ({clinic_zone.replace('_', ' ')})"), *zone_choices()],
            help_text="Your sessions follow your calendar: “today” starts at midnight "
            "in this zone. Change it if you travel.",
            error_messages={"invalid_choice": "Choose a time zone from the list."},
        )


STALE_FORM = {
    "required": "This form is out of date. Reload the page and try again.",
    "invalid": "This form is out of date. Reload the page and try again.",
}


class _StorableText(forms.CharField):
    """Free text that refuses what cannot be saved and can always be shown again."""

    def prepare_value(self, value):
        return displayable(value) if isinstance(value, str) else value


def _text(label: str, max_length: int, **extra) -> forms.CharField:
    field = _StorableText(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={
            "max_length": f"Please keep it to {max_length} characters or fewer "
            "(it has %(show_value)d)."
        },
        **extra,
    )
    # Django's own NUL check has a terse message; ours says what to do.
    field.validators = [
        validator
        for validator in field.validators
        if not isinstance(validator, ProhibitNullCharactersValidator)
    ] + [validate_storable_text]
    return field


def _minutes() -> forms.IntegerField:
    return forms.IntegerField(
        label="Minutes you did",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={
            "invalid": "Enter the minutes as a whole number, for example 10.",
            "min_value": "Enter at least 1 minute, or leave it empty.",
            "max_value": f"Enter at most {MAX_MINUTES} minutes.",
        },
        widget=FastNumberInput(attrs={"min": 1, "max": MAX_MINUTES, "inputmode": "numeric"}),
    )


def _score(label: str, low: str, high: str) -> forms.TypedChoiceField:
    choices = [("", "Not scored")]
    for value in range(SCORE_MAX + 1):
        words = {0: f" ({low})", SCORE_MAX: f" ({high})"}.get(value, "")
        choices.append((str(value), f"{value}{words}"))
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=choices,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        error_messages={"invalid_choice": f"Choose a number from 0 to {SCORE_MAX}."},
    )


def _signs(label: str, help_text: str) -> forms.MultipleChoiceField:
    """The stop rules' signs to tick; the choices come from what is published."""
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=FastCheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose signs from the list."},
    )


def _submission_key() -> forms.UUIDField:
    """One key per form shown: sending it twice reports once."""
    return forms.UUIDField(widget=FastHiddenInput, error_messages=STALE_FORM)


class _OffersSigns(PlainLabelsMixin, forms.Form):
    """A form with a ``side_effects`` field offering the published stop rules."""

    # Fields written in Python, not through Django's templates (accounts/widgets.py).
    bound_field_class = FastBoundField

    def __init__(self, *args, stop_rules: Sequence[StopRuleEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side_effects"].choices = [(rule.code, rule.symptom) for rule in stop_rules]


class CheckOffForm(PlainLabelsMixin, forms.Form):
    """One tap needs nothing; the timer page also sends the minutes done."""

    bound_field_class = FastBoundField

    minutes_done = _minutes()


class LogDetailsForm(_OffersSigns):
    """How the session went, and any side effects: every part optional."""

    minutes_done = _minutes()
    pain_before = _score("Pain before the session", "no pain", "worst pain imaginable")
    pain_after = _score("Pain after the session", "no pain", "worst pain imaginable")
    relaxation = _score("How relaxed you felt", "not at all", "completely")
    sensations = forms.MultipleChoiceField(
        label="How it felt",
        required=False,
        choices=Sensation.choices,
        widget=FastCheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose how it felt from the list."},
    )
    side_effects = _signs(
        "Did you notice any of these?", "Tick any that apply. You will see at once what to do."
    )
    side_effect_details = _text(
        "Anything else you noticed",
        SIDE_EFFECT_DETAILS_MAX_LENGTH,
        widget=FastTextarea(attrs={"rows": 2}),
        help_text="For example a mark on the skin that is still there. Your practitioner reads it.",
    )
    note = _text(
        "A note for yourself and your practitioner",
        LOG_NOTE_MAX_LENGTH,
        widget=FastTextarea(attrs={"rows": 2}),
    )
    submission_key = _submission_key()

    def details(self) -> LogDetails:
        data = self.cleaned_data
        return LogDetails(
            minutes_done=data["minutes_done"],
            pain_before=data["pain_before"],
            pain_after=data["pain_after"],
            relaxation=data["relaxation"],
            sensations=tuple(data["sensations"]),
            note=data["note"],
        )

    def noticed(self) -> Noticed | None:
        """The side effects reported with the details, if any."""
        data = self.cleaned_data
        if not (data["side_effects"] or data["side_effect_details"]):
            return None
        return Noticed(data["side_effects"], data["side_effect_details"], data["submission_key"])


class SideEffectForm(_OffersSigns):
    """A side effect on its own, for example one noticed the next morning."""

    side_effects = _signs("What did you notice?", "Tick any that apply.")
    details = _text(
        "In your own words",
        SIDE_EFFECT_DETAILS_MAX_LENGTH,
        widget=FastTextarea(attrs={"rows": 3}),
        help_text="When it started, where, and whether it is still there.",
    )
    submission_key = _submission_key()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("side_effects") or cleaned.get("details")):
            raise forms.ValidationError("Tick what you noticed, or describe it in your own words.")
        return cleaned

    def noticed(self) -> Noticed:
        data = self.cleaned_data
        return Noticed(data["side_effects"], data["details"], data["submission_key"])
