"""Load a small, believable demo: two clinics, their people and a staff admin,
and for the demo clinic's patients the visits, screenings, plans and ticked-off
sessions of a working month (see ``clinic.demo_care``). Patients with an
account have read the current safety guidance, so signing in lands on today.
A patient without one (Eve) gets a fresh invitation, and its link is printed
with the sign-ins, since an invitation made here sends no email. Ada's
reminders are switched on, due three minutes after loading, so her reminder
email shows in the worker's console.

Running it again brings the demo back to the same state; it never runs with
DEBUG off, so it cannot touch a production database by accident.
"""

from io import StringIO

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Clinic, Invitation, Membership, Patient, User
from accounts.second_factor import AUTHENTICATOR_NAME, secret_in_groups
from clinic.patients.demo import (
    DEMO_AUTHENTICATOR_KEY,
    DEMO_TEMPLATE,
    schedule_first_reminder,
    seed_care,
)
from mats.permissions import CONTENT_EDITORS_GROUP
from mats.services import (
    acknowledge_safety_version,
    current_safety_version,
    published_routine_templates,
)

DEMO_PASSWORD = "mat-demo-visit"  # noqa: S105  (printed for the demo; DEBUG only)
# Where `make run` serves the site, for the invitation links printed below.
DEMO_SITE = "http://127.0.0.1:8000"

CLINICS = [
    {
        "slug": "riverside",
        "name": "Riverside Acupuncture",
        "time_zone": "Europe/London",
        "practitioners": [
            ("lin.hart@riverside.example", "Lin Hart"),
            ("sam.okafor@riverside.example", "Sam Okafor"),
        ],
        # (email, name, index of the primary practitioner, has an account)
        "patients": [
            ("ada.byrne@patients.example", "Ada Byrne", 0, True),
            ("ben.mistry@patients.example", "Ben Mistry", 0, True),
            ("cara.nowak@patients.example", "Cara Nowak", 1, True),
            ("dev.patel@patients.example", "Dev Patel", 1, True),
            ("eve.santos@patients.example", "Eve Santos", 0, False),
        ],
    },
    {
        "slug": "harbour",
        "name": "Harbour Street Clinic",
        "time_zone": "America/New_York",
        "practitioners": [("noor.haddad@harbour.example", "Noor Haddad")],
        "patients": [("finn.doyle@patients.example", "Finn Doyle", 0, True)],
    },
]
STAFF = ("admin@matcompanion.example", "Robin Staff")
# The patient whose reminder email shows in the console a few minutes after loading.
REMINDED = "ada.byrne@patients.example"


def _user(email: str, name: str, **extra) -> User:
    user, _ = User.objects.update_or_create(
        email=email, defaults={"full_name": name, "is_active": True, **extra}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _demo_authenticator(user: User) -> TOTPDevice:
    """Members and staff must sign in with a second factor: give them a fresh
    authenticator with the demo's known secret (``make demo-code`` prints its code)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, key=DEMO_AUTHENTICATOR_KEY, confirmed=True
    )


def _fresh_invitation(patient: Patient) -> str:
    """Bring a demo patient without an account back to "invited": an account
    they made from an earlier link goes, and a new link replaces the old ones.
    Returns the new link's token (only a hash of it is stored)."""
    User.objects.filter(email__iexact=patient.email, is_staff=False).delete()
    patient.invitations.all().delete()
    _, token = Invitation.issue(patient, created_by=patient.primary_practitioner.user)
    return token


class Command(BaseCommand):
    help = "Create or refresh the demo clinics and sign-ins (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on; it is demo data.")
        # Plans are made from the curated routines and safety questions.
        if (
            current_safety_version() is None
            or not published_routine_templates().filter(slug=DEMO_TEMPLATE).exists()
        ):
            call_command("seed_content", stdout=StringIO())
        sign_ins: list[tuple[str, str]] = []
        invited: list[tuple[Patient, str]] = []
        with transaction.atomic():
            staff = _user(*STAFF, is_staff=True, is_superuser=True)
            # The demo admin curates the mat content, as a clinic's admin would.
            editors, _ = Group.objects.get_or_create(name=CONTENT_EDITORS_GROUP)
            staff.groups.add(editors)
            device = _demo_authenticator(staff)
            sign_ins.append(("Staff admin", staff.email))
            for spec in CLINICS:
                clinic, _ = Clinic.objects.update_or_create(
                    slug=spec["slug"],
                    defaults={"name": spec["name"], "time_zone": spec["time_zone"]},
                )
                memberships = []
                for email, name in spec["practitioners"]:
                    user = _user(email, name)
                    _demo_authenticator(user)
                    membership, _ = Membership.objects.update_or_create(
                        user=user,
                        defaults={"clinic": clinic, "role": Membership.Role.PRACTITIONER},
                    )
                    memberships.append(membership)
                    sign_ins.append((f"Practitioner, {clinic.name}", email))
                for email, name, primary, has_account in spec["patients"]:
                    user = _user(email, name) if has_account else None
                    patient, _ = Patient.objects.update_or_create(
                        clinic=clinic,
                        email=email,
                        defaults={
                            "full_name": name,
                            "primary_practitioner": memberships[primary],
                            "user": user,
                        },
                    )
                    if has_account:
                        sign_ins.append((f"Patient, {clinic.name}", email))
                        acknowledge_safety_version(patient, current_safety_version())
                    else:
                        invited.append((patient, _fresh_invitation(patient)))
                    seed_care(patient)
            ada = Patient.objects.get(email=REMINDED)
            reminder_due = schedule_first_reminder(ada)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /sign-in/ with:"))
        width = max(len(who) for who, _ in sign_ins)
        for who, email in sign_ins:
            self.stdout.write(f"  {who:<{width}}  {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            "  Practitioners and the staff admin then type a code from an authenticator app:\n"
            "    `make demo-code` prints the current one (it changes every 30 seconds),\n"
            f"    or add this key to an app on your phone: {secret_in_groups(device)}"
        )
        for patient, token in invited:
            self._say_how_to_reach(patient, token)
        self.stdout.write(
            f"\n{ada.full_name}'s reminders are on: today's reminder email arrives at "
            f"{reminder_due:%H:%M} ({ada.zone.key} time), in the console where the worker "
            "runs (`make run` starts one)."
        )

    def _say_how_to_reach(self, patient: Patient, token: str) -> None:
        """A patient without an account has no sign-in to print: give the way in."""
        link = DEMO_SITE + reverse("invitation-accept", args=[token])
        first_name = patient.full_name.split()[0]
        practitioner = patient.primary_practitioner.user.full_name
        self.stdout.write(
            f"\n{patient.full_name} ({patient.clinic.name}) has no account yet: "
            f"{first_name} is invited but has not chosen a password.\n"
            f"  To use the site as {first_name}, open this invitation link and choose a password:\n"
            f"    {link}\n"
            "  Each load of the demo makes a new link; it works for "
            f"{settings.INVITATION_VALID_DAYS} days.\n"
            f"  Or sign in as {practitioner}, open {patient.full_name} and press "
            "“Send a new invitation”:\n"
            "  the email, link included, shows in the console where the site runs."
        )
