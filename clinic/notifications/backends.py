"""The site's default mailer: it stores each email and lets a worker send it.

``MAILERS["default"]`` is this backend, so ``send_mail`` and
``EmailMessage.send()`` anywhere (invitations, Django's password reset,
error mail to admins) write an ``OutgoingEmail`` row in the current
transaction and enqueue its delivery when that transaction commits. The
real sending is ``MAILERS["outbound"]``, used only by
``clinic.notifications.tasks.deliver_email``.
"""

from django.core.mail.backends.base import BaseEmailBackend

from clinic.notifications.services import store_all


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        """Store the messages (all or none) and return how many were stored."""
        return store_all(email_messages)
