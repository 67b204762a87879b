"""The words for refusals of recording a visit (see ``accounts.errors``)."""

from accounts.errors import register

register(
    {
        "visits.in_future": (
            "A visit is recorded once it has happened. Enter a future one as the next visit."
        ),
        "visits.next_too_far": "The next visit must be within a year.",
        "visits.next_before_visit": "The next visit must come after this one.",
        "visits.time_taken": "This patient already has an appointment at that time.",
    }
)
