"""A mail server that refuses everything, for tests of what happens when email fails.

It fails as an SMTP server can, with the recipients' addresses in the
error, so tests also see that no address reaches the log.
"""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        refused = {
            address: (451, b"Mail server unavailable, try again later")
            for message in email_messages
            for address in message.recipients()
        }
        raise smtplib.SMTPRecipientsRefused(refused)


def mail_server_down() -> override_settings:
    """``with mail_server_down(): ...`` sends every email to a refusing server."""
    return override_settings(MAILERS={"default": {"BACKEND": "tests.mail.RefusingBackend"}})
