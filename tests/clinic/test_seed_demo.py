import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from accounts.models import Clinic, Membership, Patient, User


def _seed() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_builds_two_clinics_with_their_people():
    _seed()
    demo = Clinic.objects.get(slug="riverside")
    other = Clinic.objects.get(slug="harbour")
    assert demo.memberships.filter(role=Membership.Role.PRACTITIONER).count() == 2
    assert demo.patients.count() == 5
    assert other.memberships.count() == 1
    assert other.patients.count() == 1
    assert User.objects.filter(is_staff=True).count() == 1


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    _seed()
    counts = (User.objects.count(), Patient.objects.count(), Membership.objects.count())
    _seed()
    assert (User.objects.count(), Patient.objects.count(), Membership.objects.count()) == counts


@pytest.mark.django_db
def test_every_printed_sign_in_works():
    output = _seed()
    emails = re.findall(r"\S+@\S+\.example", output)
    password = re.search(r"Password for every demo account: (\S+)", output).group(1)
    assert len(emails) == 9
    request = RequestFactory().post("/sign-in/")
    for email in emails:
        assert authenticate(request, username=email, password=password) is not None, email


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == 0
