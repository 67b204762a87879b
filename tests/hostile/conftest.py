"""The world the hostile tests post into: the URL walk's real objects in
Clinic A, and Clinic B's own, whose ids are hostile values for Clinic A's
forms."""

import time

import pytest
from django.test import Client

from accounts.clock import patient_today
from accounts.models import Patient
from tests.factories import make_plan, screen
from tests.sudo import confirmed
from tests.test_url_walk import world  # noqa: F401  (the walk's fixture, reused)


@pytest.fixture
def hostile_world(world, quinn, bob, clinic_b):  # noqa: F811
    from mats.models import RoutineTemplate

    screen(quinn)
    plan = make_plan(quinn, RoutineTemplate.objects.get(slug=world["routine"]["slug"]))
    session = plan.sessions.get(date=patient_today(quinn))
    from django.contrib.auth.models import Group

    from tests.hostile.discovery import admin_rows

    # A data migration makes this group, but a transactional test run earlier
    # in the same process (PostgreSQL, several processes) may have emptied
    # the table: the group's admin page is driven either way.
    Group.objects.get_or_create(name="Content editors")

    return {
        **world,
        **admin_rows(),
        "slugs": {"routine": world["routine"]["slug"]},
        "stranger": {"pk": Patient.objects.get(email="new@patients.example").pk},
        # Ids that belong to Clinic B: never to be read or changed from Clinic A.
        "foreign_ids": sorted(
            {str(quinn.pk), str(bob.pk), str(clinic_b.pk), str(plan.pk), str(session.pk)}
        ),
    }


_STARTED = time.monotonic()


def pytest_terminal_summary(terminalreporter):
    """After the run: how many hostile requests were sent, and their answers."""
    from tests.hostile.drive import EXAMPLES

    if EXAMPLES:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(EXAMPLES.items()) if k != "examples")
        seconds = time.monotonic() - _STARTED
        terminalreporter.write_line(
            f"hostile: {EXAMPLES['examples']} examples in {seconds:.0f} s ({answers})"
        )


@pytest.fixture
def clients(
    visitor_client, pat_client, alice_client, bob_client, staff_client, carol_client
) -> dict:
    # Everyone signed in has just confirmed it is them (accounts.sudo), so
    # the pages behind that step show their forms too.
    return {
        "visitor": visitor_client,
        "pat": confirmed(pat_client),
        "alice": confirmed(alice_client),
        "bob": confirmed(bob_client),
        "staff": confirmed(staff_client),
        "carol": confirmed(carol_client),
    }


@pytest.fixture
def people(pat, alice, bob, staff, carol) -> dict:
    """Who each persona is, for a fresh signed-in client per example."""
    return {
        "visitor": None,
        "pat": pat.user,
        "alice": alice.user,
        "bob": bob.user,
        "staff": staff,
        "carol": carol.user,
    }


def client_for(user) -> Client:
    """Signed in, past the second factor and the sudo moment, so that the
    hostile values reach the forms behind them."""
    client = Client()
    if user is not None:
        client.force_login(user)
        confirmed(client)
    return client
