"""The words for the review's refusals (see ``accounts.errors``)."""

from accounts.errors import register

SENTENCES = {
    "review.feedback_empty": "Write a message for the patient, or leave the box alone.",
    "review.feedback_too_long": "Keep it to {limit} characters, please.",
}

register(SENTENCES)
