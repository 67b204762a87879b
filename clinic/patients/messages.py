"""The words for the refusals of adding and inviting patients (see ``accounts.errors``)."""

from accounts.errors import register

SENTENCES = {
    "patients.email_taken": "This clinic already has a patient with that email address.",
    "patients.practitioner_elsewhere": "Please choose a practitioner from this clinic.",
    "patients.has_account": "{name} already has an account.",
}

register(SENTENCES)
