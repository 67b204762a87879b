"""Who an email between visits comes from: the clinic, by name.

The address is the site's own (``DEFAULT_FROM_EMAIL``), so mail servers
accept it; the name in front of it is the clinic's. Replies go to the
patient's practitioner, also under the clinic's name.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings

from accounts.models import Clinic, Patient


def sender(clinic: Clinic) -> str:
    """``"Riverside Clinic <noreply@…>"``: the From of every email sent for ``clinic``."""
    return formataddr((clinic.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def reply_to(patient: Patient) -> list[str]:
    """The Reply-To of a patient's email: their practitioner's address, named as the clinic."""
    address = patient.primary_practitioner.user.email
    return [formataddr((patient.clinic.name, address))] if address else []
