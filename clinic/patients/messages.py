"""The words for the refusals of adding and inviting patients (see ``accounts.errors``)."""

from accounts.errors import register

SENTENCES = {
    "patients.email_taken": "This clinic already has a patient with that email address.",
    "patients.practitioner_elsewhere": "Please choose a practitioner from this clinic.",
    "patients.has_account": "{name} already has an account.",
    "patients.deletion_already_open": (
        "You have already asked your clinic to delete your account, and that request is "
        "still open. There is no need to ask again."
    ),
    "patients.deletion_not_open": (
        "There is no open request to delete the account: it was withdrawn or has already "
        "been dealt with."
    ),
    "patients.deletion_message_too_long": (
        "Please keep the message to {limit} characters or fewer, or leave it empty."
    ),
}

register(SENTENCES)
