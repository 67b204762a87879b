"""The demo's second factor: seed_demo gives the demo's practitioners and
staff admin an authenticator with a known key; demo_code prints its code, and
that code signs them in."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from clinic.patients.demo import DEMO_AUTHENTICATOR_KEY
from clinic.patients.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.second_factor_enforced


def _run(command: str) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command(command, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_members_and_staff_get_the_known_key_and_patients_none():
    output = _run("seed_demo")
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert {d.user.email for d in devices} == {
        "admin@matcompanion.example",
        "lin.hart@riverside.example",
        "sam.okafor@riverside.example",
        "noor.haddad@harbour.example",
    }
    assert {d.key for d in devices} == {DEMO_AUTHENTICATOR_KEY}
    assert "`make demo-code` prints the current one" in output
    assert not TOTPDevice.objects.filter(user__patient__isnull=False).exists()
    # Loading again gives each a fresh authenticator, not a second one.
    _run("seed_demo")
    assert TOTPDevice.objects.count() == 4


@pytest.mark.django_db
def test_demo_code_prints_a_code_that_signs_in():
    _run("seed_demo")
    output = _run("demo_code")
    code = re.search(r"lin\.hart@riverside\.example\s+(\d{6})", output).group(1)
    assert len(re.findall(r"@\S+\.example\s+\d{6}", output)) == 4
    client = Client()
    client.post(
        reverse("login"), {"username": "lin.hart@riverside.example", "password": DEMO_PASSWORD}
    )
    assert client.get(reverse("patient-list"))["Location"].startswith(reverse("factor-verify"))
    assert client.post(reverse("factor-verify"), {"code": code}).status_code == 302
    assert client.get(reverse("patient-list")).status_code == 200


@pytest.mark.django_db
def test_demo_code_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", stdout=StringIO())


@pytest.mark.django_db
def test_demo_code_leaves_other_accounts_out():
    _run("seed_demo")
    TOTPDevice.objects.create(
        user=User.objects.create_user("x@y.example", "pw-x-y-z-123"), confirmed=True
    )
    assert "x@y.example" not in _run("demo_code")
