"""The words for the refusals of adding and inviting patients (see ``accounts.errors``)."""

from accounts.errors import register

SENTENCES = {
    "patients.email_taken": "This clinic already has a patient with that email address.",
    "patients.practitioner_elsewhere": "Please choose a practitioner from this clinic.",
    "patients.has_account": "{name} already has an account.",
    "patients.invitations_to_patient_limited": (
        "{name} has already been sent {count} invitations in the last hour, which is as many "
        "as we send in an hour. You can send another from {until:%H:%M}."
    ),
    "patients.invitations_from_here_limited": (
        "{count} invitations have been sent from your network in the last hour, which is as "
        "many as we send in an hour. You can send another from {until:%H:%M}."
    ),
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
