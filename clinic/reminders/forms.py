"""The choices of email: the patient's reminders, the Today page's offer, and
a practitioner's alert and digest.

On and off are two radio buttons rather than a checkbox, so that a field
missing from what was posted is an error to show, never a quiet "off".
"""

from django import forms

from accounts.forms import PlainLabelsMixin

ON, OFF = "on", "off"


def on_off(label: str, *, on: str, off: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(ON, on), (OFF, off)],
        coerce=lambda value: value == ON,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={
            "required": "Choose on or off.",
            "invalid_choice": "Choose on or off.",
        },
    )


def time_of_day(label: str, help_text: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 60}),
        error_messages={
            "required": "Enter a time, such as 08:00.",
            "invalid": "Enter a time between 00:00 and 23:59, such as 08:00.",
        },
    )


def as_on_off(value: bool) -> str:
    """A saved choice as the radio button that shows it."""
    return ON if value else OFF


class ReminderSettingsForm(PlainLabelsMixin, forms.Form):
    reminders_on = on_off(
        "Reminder emails",
        on="On: email me on each day I have a session",
        off="Off: no reminder emails",
    )
    remind_at = time_of_day(
        "Time of the reminder",
        "In your time zone. The email comes at this time on each day your plan has a session.",
    )
    nudge_on = on_off(
        "A nudge after missed sessions",
        on="On: one email if I miss two sessions in a row",
        off="Off: no nudge",
        help_text="Sent only while reminder emails are on, and once until you tick off "
        "a session again.",
    )


class OfferForm(forms.Form):
    """The Today page's two buttons: "yes" or "not now"."""

    answer = forms.ChoiceField(choices=[("yes", "Yes"), ("not-now", "Not now")])

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["answer"] == "yes"


class PractitionerNotificationsForm(PlainLabelsMixin, forms.Form):
    report_alerts = on_off(
        "Side-effect alert",
        on="On: email me when a patient of mine reports a side effect that needs my review",
        off="Off: I will see reports on the patient list",
        help_text="The email names no patient and carries no health details: only a link "
        "to the review, which asks you to sign in.",
    )
    digest_on = on_off(
        "Daily digest",
        on="On: one email a day",
        off="Off: no digest",
        help_text="How many of your patients need attention, with a link to your patient "
        "list. No names or health details.",
    )
    digest_at = time_of_day("Time of the digest", "In the clinic's time zone.")
