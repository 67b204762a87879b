"""Forms the patient fills in on their phone: their time zone so far.

The forms give the friendly messages; the services and the database check
the rules that matter again.
"""

import zoneinfo
from functools import cache

from django import forms

from accounts.models import Patient

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


class TimeZoneForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["time_zone"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        clinic_zone = self.instance.clinic.time_zone
        self.fields["time_zone"] = forms.ChoiceField(
            label="Your time zone",
            required=False,
            choices=[("", f"The clinic's ({clinic_zone.replace('_', ' ')})"), *zone_choices()],
            help_text="Your sessions follow your calendar: “today” starts at midnight "
            "in this zone. Change it if you travel.",
            error_messages={"invalid_choice": "Choose a time zone from the list."},
        )
