"""What the patient reads when a service of their day refuses. Imported by
``UsageConfig.ready()``; views turn a refusal into these words with
``accounts.errors.sentence``."""

from accounts.errors import register

register(
    {
        # Ticking off and undoing.
        "usage.session_gone": "This session is no longer in your plan.",
        "usage.future_day": (
            "This session is on {day}. You can tick it off on the day, not before."
        ),
        "usage.too_far_back": (
            "Sessions can be ticked off up to {days} days later, and this one was on {day}. "
            "Tell your practitioner at your next visit if you did it."
        ),
        "usage.undo_too_late": (
            "A session can be un-ticked only on the day you ticked it off. "
            "Tell your practitioner if it is wrong."
        ),
        # How it went. The forms ask the same first, in their own words.
        "usage.minutes_out_of_range": "Enter between 1 and {most} minutes, or leave it empty.",
        "usage.score_out_of_range": "Choose a number from 0 to {most}.",
        "usage.unknown_sensation": "Choose how it felt from the list.",
        "usage.text_too_long": ("Please keep it to {limit} characters or fewer (it has {length})."),
        "usage.control_character": (
            "This contains an invisible control character that cannot be saved. "
            "Please type the text again instead of pasting it."
        ),
        "usage.broken_character": (
            "This contains a character that cannot be saved (part of an emoji or "
            "symbol that got cut off). Please remove it or type the text again."
        ),
        # Side effects.
        "usage.unknown_sign": "Choose signs from the list.",
        "usage.report_empty": "Choose a sign from the list or describe what happened.",
        "usage.form_used_twice": "This form was already used. Reload the page and try again.",
        # Settings.
        "usage.unknown_time_zone": "Choose a time zone from the list.",
    }
)
