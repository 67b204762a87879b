"""The words for the refusals mats' services raise (see ``accounts.errors``)."""

from accounts.errors import register

register(
    {
        "safety.change_note_missing": (
            "Write a change note: patients see it when they are asked to read the guidance again."
        ),
        "safety.nothing_changed": (
            "Nothing has changed since version {number}, so there is nothing to publish. "
            "Edit the contraindications, stop rules or safety sections first."
        ),
        "safety.updated_while_reading": (
            "The safety guidance was updated while you were reading. "
            "Please read the new version below."
        ),
    }
)
