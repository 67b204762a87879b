"""A mail server that refuses everything, for tests of what happens when email fails.

It fails as an SMTP server can, with the recipients' addresses in the
error, so tests also see that no address reaches the log or the outbox's
error column.
"""

import smtplib
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        refused = {
            address: (451, f"<{address}> mailbox unavailable, try again later".encode())
            for message in email_messages
            for address in message.recipients()
        }
        raise smtplib.SMTPRecipientsRefused(refused)


def mail_server_down() -> override_settings:
    """``with mail_server_down(): ...`` sends every email to a refusing server.

    Only the worker's outbound mailer changes: requests still store their
    email in the outbox as they always do.
    """
    return override_settings(
        MAILERS={**settings.MAILERS, "outbound": {"BACKEND": "tests.mail.RefusingBackend"}}
    )


class SmtpSink:
    """A real SMTP server on a loopback port (aiosmtpd), for tests where the
    worker sends for real. It keeps what it accepts and can refuse:
    ``refuse_data`` answers the next N messages with a temporary error,
    ``refuse_all`` turns every recipient away with their address in the
    reply, as real servers do.

    ``with SmtpSink() as sink: ...`` starts it and always stops it.
    """

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refuse_data = 0
        self.refuse_all = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_all:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            self.refuse_data -= 1
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def __enter__(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._controller.stop()
