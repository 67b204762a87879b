"""Putting email in the outbox: any message (through the queueing mailer), the
practitioner's alert about a side effect, and staff's "try again".

Each writes ``OutgoingEmail`` rows in the caller's transaction and enqueues
their delivery only when it commits, so a request that rolls back stores
nothing and sends nothing, and no request ever waits on a mail server.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.preferences import wants_report_alerts
from clinic.notifications.tasks import enqueue_after_commit, enqueue_batches_after_commit


def _bodies(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the optional HTML of ``message``; anything else is refused
    rather than quietly dropped."""
    if message.attachments:
        raise ValueError("Email with attachments cannot be queued.")
    if message.content_subtype != "plain":
        raise ValueError("Queue HTML as an alternative to a plain-text body.")
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype != "text/html" or html:
            raise ValueError("Only one text/html alternative can be queued.")
        html = str(content)
    return str(message.body), html


def _fields(message: EmailMessage, purpose: str, key: str | None) -> dict:
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown email purpose {purpose!r}.")
    text_body, html_body = _bodies(message)
    return {
        "purpose": purpose,
        "key": key,
        "from_email": str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "subject": str(message.subject),
        "text_body": text_body,
        "html_body": html_body,
        "extra_headers": {str(name): str(value) for name, value in message.extra_headers.items()},
    }


def store(message: EmailMessage, *, purpose: str = Purpose.OTHER, key: str | None = None):
    """Store ``message`` for sending once the current transaction commits.

    ``purpose`` says what it is for (one of ``Purpose``), for staff reading
    the admin. With a ``key`` the email is stored once: asking again with
    the same key returns the row already there and sends nothing more.
    """
    fields = _fields(message, purpose, key)
    message.message()  # Header problems show here, in the request, not in the worker.
    if key is not None and (existing := OutgoingEmail.objects.filter(key=key).first()):
        return existing
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(**fields)
    except IntegrityError:
        # The same key stored a moment ago by another transaction.
        if key is None:
            raise
        return OutgoingEmail.objects.get(key=key)
    enqueue_after_commit(email.pk)
    return email


def store_batch(messages: Iterable[tuple[EmailMessage, str, str]]) -> list[OutgoingEmail]:
    """Store many ``(message, purpose, key)`` in one INSERT, in the caller's
    transaction, and have them delivered in batches once it commits.

    For work that makes email in bulk (the reminders): one row each as
    ``store`` makes it, but one delivery task per batch of
    ``tasks.BATCH_SIZE``, each sending over one connection. The keys must be
    new: the caller holds what makes them so (a reminder's sent-once row,
    written in the same transaction), and a key already stored fails the
    whole INSERT rather than quietly sending nothing.
    """
    emails = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(**_fields(message, purpose, key)) for message, purpose, key in messages
    )
    enqueue_batches_after_commit([email.pk for email in emails])
    return emails


def store_all(messages: Iterable[EmailMessage]) -> int:
    """Store each message that has a recipient, all or none; return how many.

    What each is for travels on the message as a ``purpose`` attribute (set
    where the message is made, the way django-anymail carries tags), so that
    code sending mail needs nothing from this app.
    """
    count = 0
    with transaction.atomic():
        for message in messages:
            if message.recipients():
                store(message, purpose=getattr(message, "purpose", Purpose.OTHER))
                count += 1
    return count


def alert_practitioner_of_report(patient: Patient, *, report_id: int):
    """Tell the patient's primary practitioner that a report needs their review.

    Once per report (the key is the report's id). The email names no
    condition, symptom, score or note, and not the patient either: it says
    "one of your patients" and links to the review page, which asks for
    sign-in. Even initials, with the clinic and the time, can point at one
    person in a shared inbox or on a lock screen; the link costs one click.
    Returns the stored email, or None when the practitioner has no address
    or has switched the alert off (their notification settings).
    """
    practitioner = patient.primary_practitioner.user
    if not practitioner.email or not practitioner.is_active:
        return None
    if not wants_report_alerts(patient.primary_practitioner):
        return None
    context = {
        "practitioner": practitioner,
        "clinic": patient.clinic,
        "link": settings.SITE_URL + reverse("patient-review", args=[patient.pk]),
    }
    message = EmailMessage(
        subject="A patient's report needs your review",
        body=render_to_string("notifications/side_effect_alert.txt", context),
        to=[practitioner.email],
    )
    return store(message, purpose=Purpose.SIDE_EFFECT_ALERT, key=f"side-effect-report:{report_id}")


def try_again(emails: QuerySet[OutgoingEmail]) -> int:
    """Queue the failed ones among ``emails`` for a fresh round of tries; return how many.

    Only failed rows change (a conditional UPDATE on the status), so email
    that is queued, sending or sent is never sent twice by this.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            emails.filter(status=Status.FAILED)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=ids, status=Status.FAILED).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=now
        )
        for email_id in ids:
            enqueue_after_commit(email_id)
    return len(ids)
