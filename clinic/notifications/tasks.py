"""Delivering the stored email: the task, its retries, and the sweep that
rescues email a stopped worker left behind; email stored in bulk (the
reminders) goes in batches, each over one connection (``deliver_emails``).

A row moves queued → sending → sent, or back to queued with a later
``next_attempt_at`` after a failure, or to failed after the last try. Each
step is a conditional UPDATE on the row's status, so any number of task runs
and workers can race over one email and only one of them sends it.
"""

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from clinic.notifications.failures import describe
from clinic.notifications.models import OutgoingEmail, Status

logger = logging.getLogger(__name__)

# After the first, second and third failed try; the fourth failure is final.
# Four tries over about 15 minutes ride out a mail server's restart or a
# short outage at the provider, and a practitioner still hears of a failed
# invitation the same morning.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# A row in "sending" this long after it was claimed belongs to a worker that
# stopped mid-send: the SMTP timeout (30 s) is far shorter.
STALE_AFTER = timedelta(minutes=10)
SWEEP_LIMIT = 500

# Email stored in bulk (the reminders) goes to the workers in batches of this
# many: one task and one mail-server connection per batch instead of per
# email, and with two or more workers the batches are sent side by side.
BATCH_SIZE = 100
# A batch records its sent email every this many sends: a worker that stops
# mid-batch sends at most this many again after ``requeue_stale`` hands the
# rest back (the single task's gap is one email), and 10,000 reminders need
# 1 % of the commits they would one by one.
SENT_FLUSH_EVERY = 10


def enqueue_delivery(email_id: int, *, run_after: datetime | None = None) -> bool:
    """Ask a worker to deliver ``email_id`` (at ``run_after`` at the earliest).

    Returns False when the task engine cannot run work later (Django's
    immediate backend, in tests): the row is left queued with its
    ``next_attempt_at`` and ``requeue_stale`` hands it to a worker then.
    """
    deliver = deliver_email
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            return False
        deliver = deliver.using(run_after=run_after)
    deliver.enqueue(email_id)
    return True


def enqueue_after_commit(email_id: int, *, run_after: datetime | None = None) -> None:
    """``enqueue_delivery`` once the current transaction commits.

    A failure to enqueue must not turn a request that committed into an error
    page: it is logged (by Django, with the email's id), the row stays queued,
    and ``requeue_stale`` picks it up.
    """
    transaction.on_commit(partial(enqueue_delivery, email_id, run_after=run_after), robust=True)


def enqueue_batches_after_commit(email_ids: Sequence[int]) -> int:
    """Enqueue ``deliver_emails`` for ``email_ids`` in batches of ``BATCH_SIZE``
    once the current transaction commits; return how many batches.

    As with one email, a failure to enqueue is logged and the rows stay
    queued for ``requeue_stale``.
    """
    ids = list(email_ids)
    batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    for batch in batches:
        transaction.on_commit(partial(deliver_emails.enqueue, batch), robust=True)
    return len(batches)


@task
def deliver_email(email_id: int) -> str:
    """Send one stored email through the outbound mailer; return what happened.

    Safe to run twice, and for two workers to run at once: the first thing
    it does is a conditional UPDATE that moves the row from queued (and due)
    to sending. Only one run can make that change; every other run finds
    nothing to claim and returns "skipped" without touching the mail server.
    The outcome (sent, or queued again for later, or failed) is recorded by
    another conditional UPDATE on the claimed row.

    The one gap is a worker that stops after the mail server took the email
    but before the row says so: ``requeue_stale`` sends that email again
    after ten minutes. Twice is the lesser harm than never.
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        sent = mailers["outbound"].send_messages([email.as_message()])
        if not sent:
            raise RuntimeError("the mailer accepted nothing")
    except Exception as error:  # any failure is recorded and retried, never lost
        return _record_failure(email, error)
    _record_sent([email])
    return "sent"


@task
def deliver_emails(email_ids: list[int]) -> dict[str, int]:
    """Send a batch of stored emails over one connection of the outbound
    mailer; return how many were sent, retried, failed and skipped.

    Each row is claimed as ``deliver_email`` claims one (queued and due,
    moved to sending with its try counted), all in one UPDATE after the
    claimable rows are locked with ``SKIP LOCKED``: two runs of one batch,
    or a batch and a single task racing over a row, never both send it.
    Each outcome is recorded as the single task records it: sent (bodies
    cleared), queued again for its next try with its own retry task, or
    failed after the last try. A connection that breaks is opened again
    for the next email; one that cannot be opened is every claimed
    email's failed try.
    """
    now = timezone.now()
    with transaction.atomic():
        claimable = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=claimable, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    outcomes = Counter({"sent": 0, "retry": 0, "failed": 0, "skipped": len(email_ids)})
    outcomes["skipped"] -= len(claimable)
    emails = list(OutgoingEmail.objects.filter(pk__in=claimable).order_by("pk"))
    mailer = mailers["outbound"]
    sent: list[OutgoingEmail] = []
    try:
        mailer.open()
    except Exception as error:  # the server is unreachable: every email's try failed
        for email in emails:
            outcomes[_record_failure(email, error)] += 1
        return dict(outcomes)
    try:
        for email in emails:
            try:
                if not mailer.send_messages([email.as_message()]):
                    raise RuntimeError("the mailer accepted nothing")
            except Exception as error:  # recorded and retried, never lost
                outcomes[_record_failure(email, error)] += 1
                _reconnect(mailer)
                continue
            sent.append(email)
            outcomes["sent"] += 1
            if len(sent) >= SENT_FLUSH_EVERY:
                _record_sent(sent)
                sent = []
    finally:
        _record_sent(sent)
        _close_quietly(mailer)
    return dict(outcomes)


def _record_sent(emails: list[OutgoingEmail]) -> None:
    """Mark ``emails`` sent, bodies cleared. Also from queued: if a sweep took
    a row back meanwhile, marking it sent keeps a worker from sending it again."""
    if not emails:
        return
    OutgoingEmail.objects.filter(
        pk__in=[email.pk for email in emails], status__in=[Status.SENDING, Status.QUEUED]
    ).update(status=Status.SENT, sent_at=timezone.now(), text_body="", html_body="", last_error="")
    for email in emails:
        logger.info("Email %s (%s) sent on try %s.", email.pk, email.purpose, email.attempts)


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # a connection already broken has nothing left to close
        logger.debug("Closing the outbound mailer failed.", exc_info=True)


def _reconnect(mailer) -> None:
    """After a failed send the connection may be broken: start the next one afresh.
    If it cannot be opened now, the next send tries again (and fails on its own)."""
    _close_quietly(mailer)
    try:
        mailer.open()
    except Exception:
        logger.debug("Reopening the outbound mailer failed.", exc_info=True)


def _record_failure(email: OutgoingEmail, error: Exception) -> str:
    """Queue ``email`` again after the next delay, or give up after the last try."""
    reason = describe(error)
    claimed = OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING)
    if email.attempts >= MAX_ATTEMPTS:
        claimed.update(status=Status.FAILED, last_error=reason)
        # The log names the email by id and the error by kind, never an address.
        logger.error(
            "Email %s (%s) failed for good after %s tries (%s).",
            email.pk,
            email.purpose,
            email.attempts,
            type(error).__name__,
        )
        return "failed"
    next_attempt_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
    with transaction.atomic():
        if claimed.update(status=Status.QUEUED, next_attempt_at=next_attempt_at, last_error=reason):
            enqueue_after_commit(email.pk, run_after=next_attempt_at)
    logger.warning(
        "Email %s (%s) not sent on try %s (%s); trying again at %s.",
        email.pk,
        email.purpose,
        email.attempts,
        type(error).__name__,
        next_attempt_at.isoformat(timespec="seconds"),
    )
    return "retry"


def requeue_stale(now: datetime) -> int:
    """Hand email that lost its worker back to the queue; return how many.

    Two kinds: rows in "sending" claimed more than ten minutes ago (their
    worker stopped mid-send), and rows queued and due more than ten minutes
    ago whose task never ran (it could not be enqueued, or the engine lost
    it). Each is made due ``now`` and a delivery task is enqueued; if the
    old task turns up after all, its claim finds the row taken or sent.

    Safe to run twice and from several workers at once: the rows are locked
    with ``SKIP LOCKED`` before they change, so two sweeps take disjoint
    rows, and a row made due ``now`` is not stale again for ten minutes.
    """
    cutoff = now - STALE_AFTER
    with transaction.atomic():
        stale = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.SENDING, claimed_at__lt=cutoff)
                | Q(status=Status.QUEUED, next_attempt_at__lt=cutoff)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        OutgoingEmail.objects.filter(pk__in=stale).update(status=Status.QUEUED, next_attempt_at=now)
        for email_id in stale:
            enqueue_after_commit(email_id)
    if stale:
        logger.warning("Handed %s email(s) back to the queue.", len(stale))
    return len(stale)
