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

register(
    {
        "email_change.same": "That is already your sign-in address. Type the new one.",
        "email_change.limited": (
            "You have asked for {allowed} links in the last hour, which is as many as we send. "
            "To keep your account safe, please try again in {minutes} minutes."
        ),
        "email_change.link_expired": (
            "This link has expired: each link works for {hours} hours. "
            "Ask for a new one from your account page."
        ),
        "email_change.link_not_valid": (
            "This link is not valid. Check that you opened the whole link from the email, "
            "or ask for a new one from your account page."
        ),
        "email_change.link_used": (
            "This link has already been used: your sign-in address is {email}."
        ),
        "email_change.link_stale": (
            "This link no longer works, because your sign-in address or password changed "
            "after it was sent. Ask for a new one from your account page."
        ),
        "email_change.other_account": (
            "This link is for a different account from the one you are signed in with. "
            "Sign out, sign in with the account that asked for the change, and open the link again."
        ),
        "email_change.taken": (
            "Another account already uses this address, so yours cannot move to it. "
            "Nothing was changed. Please ask your clinic for help."
        ),
        "email_change.clinic_record_taken": (
            "Your clinic has another patient record with this address, so yours cannot move "
            "to it. Nothing was changed. Please ask your clinic for help."
        ),
    }
)
