"""The words for the refusals accounts' services raise (see ``accounts.errors``)."""

from accounts.errors import register

register(
    {
        "invitation.not_valid": "This link is not valid any more.",
        "invitation.used": "This link has already been used.",
        "invitation.expired": "This link has expired.",
        "invitation.email_taken": (
            "An account already uses this email address. Please ask your clinic for help."
        ),
    }
)
