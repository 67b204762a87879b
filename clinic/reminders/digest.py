"""The practitioner's daily digest: how many of their patients need attention.

``send_due_digests(now)`` is the scheduled job ``reminders.send_digests``
(every minute). A practitioner who chose the digest gets one email a day at
their chosen time in the clinic's zone (daylight-saving changes included):
a count and a link to the patient list, never a name or anything about a
patient's health. Who "needs attention" is what the patient list flags
(``clinic.review``: safety answers, unseen side effects, clearances, and the
warning signs in the log), counted over the patients they look after.

Exactly once per practitioner and clinic day: ``SentDigest`` is unique per
(membership, day) and written in the transaction that stores the email,
whose outbox key is ``digest:<membership>:<day>`` as well.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import Membership, Patient
from clinic.notifications.models import PractitionerNotifications, Purpose
from clinic.notifications.services import store
from clinic.reminders import timing
from clinic.reminders.emails import sender
from clinic.reminders.models import SentDigest
from clinic.review.queries import annotate_for_review, attach_reviews

logger = logging.getLogger("clinic.reminders.digest")


def due_day(at: time, zone: ZoneInfo, now: datetime) -> date | None:
    """The clinic day whose digest is due at ``now``, read as a patient's
    reminder is (``timing``: the same instant across the clocks changing,
    the same lateness limit). Yesterday's too, for a time shortly before midnight."""
    today = timezone.localdate(now, timezone=zone)
    for day in (today, today - timedelta(days=1)):
        if timing.is_due(timing.due_at(day, at, zone), now):
            return day
    return None


@dataclass(frozen=True)
class Digest:
    membership: Membership
    day: date
    count: int  # of the practitioner's patients, how many the list flags


def needing_attention(membership: Membership, now: datetime) -> int:
    """How many of the patients ``membership`` looks after the patient list
    flags at ``now`` (the same annotations and review it uses; two queries)."""
    patients = list(
        annotate_for_review(Patient.objects.filter(primary_practitioner=membership), now)
        .select_related("clinic")
        .order_by()
    )
    attach_reviews(patients, now)
    return sum(1 for patient in patients if patient.flags)


def message(digest: Digest) -> EmailMultiAlternatives:
    membership = digest.membership
    context = {
        "practitioner": membership.user,
        "clinic": membership.clinic,
        "count": digest.count,
        "link": settings.SITE_URL + reverse("patient-list"),
        "settings_link": settings.SITE_URL + reverse("practitioner-notifications"),
    }
    if digest.count:
        subject = ngettext(
            "%(count)d patient needs your attention",
            "%(count)d patients need your attention",
            digest.count,
        ) % {"count": digest.count}
    else:
        subject = gettext("No patients need your attention today")
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/email/digest.txt", context),
        from_email=sender(membership.clinic),
        to=[membership.user.email],
    )
    email.attach_alternative(render_to_string("reminders/email/digest.html", context), "text/html")
    return email


def send(membership: Membership, day: date, now: datetime) -> bool:
    """Store ``membership``'s digest for ``day`` unless it went already;
    True when this call stored it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                # The claim: a second worker (or a second run) stops here.
                sent = SentDigest.objects.create(membership=membership, day=day)
        except IntegrityError:
            return False
        # A count of none is sent too: the practitioner chose a daily email at a
        # set time, and silence would not tell "nobody needs you" from "the
        # digest did not come".
        digest = Digest(membership, day, needing_attention(membership, now))
        sent.email = store(
            message(digest), purpose=Purpose.DIGEST, key=f"digest:{membership.pk}:{day:%Y-%m-%d}"
        )
        sent.save(update_fields=["email"])
    return True


def send_due_digests(now: datetime) -> int:
    """Store every digest due at ``now`` that has not gone; return how many."""
    chosen = PractitionerNotifications.objects.filter(
        digest_on=True, membership__user__is_active=True
    ).select_related("membership__clinic", "membership__user")
    due = []
    for choice in chosen:
        membership = choice.membership
        if not membership.user.email:
            continue
        day = due_day(choice.digest_at, ZoneInfo(membership.clinic.time_zone), now)
        if day is not None:
            due.append((membership, day))
    if not due:
        return 0
    already = set(
        SentDigest.objects.filter(
            membership__in=[membership for membership, _ in due],
            day__in={day for _, day in due},
        ).values_list("membership_id", "day")
    )
    stored = 0
    for membership, day in due:
        if (membership.pk, day) in already:
            continue
        try:
            stored += send(membership, day, now)
        except Exception as error:
            # One practitioner's failure must not hold back the others'; the
            # next minute tries again while the digest is less than 2 hours
            # late. The kind of error only: its text can quote the data.
            logger.error(
                "digest for membership %s failed (%s)", membership.pk, type(error).__name__
            )
    return stored
