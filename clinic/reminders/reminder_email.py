"""The reminder emails a patient gets: today's session, the nudge after two
missed sessions, and "something is waiting" while the site needs them to
read the safety guidance (or answer its questions) first.

Each says no more than that a session waits, its minutes and position, and
links to today's page: no condition, score, side effect or note, in the
subject or anywhere in it. The From and the footer name the clinic, replies
go to the patient's practitioner, and every one carries the one-click
unsubscribe link and the headers mail apps turn into their own button
(RFC 8058).
"""

from dataclasses import dataclass
from uuid import uuid4

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language, gettext

from accounts.models import Clinic, Patient
from clinic.notifications import unsubscribe
from clinic.notifications.models import Purpose
from clinic.reminders.emails import reply_to, sender

DAILY, WAITING, NUDGE = "daily", "waiting", "nudge"


@dataclass(frozen=True)
class Content:
    """What one email says: which of the three, and today's session if it tells of it."""

    template: str  # DAILY, WAITING or NUDGE
    minutes: int | None = None
    position: str = ""

    @property
    def purpose(self) -> str:
        return Purpose.NUDGE if self.template == NUDGE else Purpose.REMINDER

    def subject(self) -> str:
        if self.template == DAILY:
            return gettext("Today's mat session is waiting for you")
        if self.template == NUDGE:
            return gettext("Your mat is there when you are ready")
        return gettext("Something is waiting for you on the site")


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to, and in whose name: what the email needs of a patient."""

    patient_id: int
    full_name: str
    email: str
    clinic: Clinic
    reply_to: tuple[str, ...]

    @classmethod
    def of(cls, patient: Patient) -> "Recipient":
        return cls(
            patient.pk,
            patient.full_name,
            patient.user.email,
            patient.clinic,
            tuple(reply_to(patient)),
        )


def headers(unsubscribe_url: str) -> dict[str, str]:
    """The one-click unsubscribe headers (RFC 2369 and RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class Composer:
    """Makes the reminder emails of one scan.

    Thousands of reminders fall due in one minute, and most say the same
    thing: each template is rendered once per clinic, kind and session (the
    cache), with markers where the patient's first name and unsubscribe link
    go, and each email is that text with the two filled in (escaped in the
    HTML part). The result is exactly what rendering each one would give.
    """

    def __init__(self) -> None:
        marker = uuid4().hex
        self._name = f"first-name-{marker}"
        self._link = f"unsubscribe-{marker}"
        self._token = f"token-{marker}"
        self._unsubscribe = settings.SITE_URL + reverse("unsubscribe", args=[self._token])
        self._context = {
            "first_name": self._name,
            "unsubscribe_url": self._link,
            "today_url": settings.SITE_URL + reverse("patient-home"),
            "settings_url": settings.SITE_URL + reverse("patient-settings"),
            "language_code": get_language(),
        }
        self._rendered: dict[tuple, tuple[str, str]] = {}

    def _bodies(self, clinic_name: str, content: Content) -> tuple[str, str]:
        key = (clinic_name, content)
        if key not in self._rendered:
            context = self._context | {
                "subject": content.subject(),
                "clinic_name": clinic_name,
                "minutes": content.minutes,
                "position": content.position,
            }
            self._rendered[key] = (
                get_template(f"reminders/email/{content.template}.txt").render(context),
                get_template(f"reminders/email/{content.template}.html").render(context),
            )
        return self._rendered[key]

    def message(self, recipient: Recipient, content: Content) -> EmailMultiAlternatives:
        # As unsubscribe.url_for(patient), without reversing the URL each time.
        token = unsubscribe.token_for(Patient(pk=recipient.patient_id))
        unsubscribe_url = self._unsubscribe.replace(self._token, token)
        first_name = (recipient.full_name.split() or [""])[0]
        text, html = self._bodies(recipient.clinic.name, content)
        text = text.replace(self._name, first_name).replace(self._link, unsubscribe_url)
        html = html.replace(self._name, escape(first_name)).replace(
            self._link, escape(unsubscribe_url)
        )
        email = EmailMultiAlternatives(
            subject=content.subject(),
            body=text,
            from_email=sender(recipient.clinic),
            to=[recipient.email],
            reply_to=list(recipient.reply_to),
            headers=headers(unsubscribe_url),
        )
        email.attach_alternative(html, "text/html")
        return email


def message(patient: Patient, content: Content) -> EmailMultiAlternatives:
    """One reminder email, on its own (the scan uses one ``Composer`` for all)."""
    return Composer().message(Recipient.of(patient), content)
