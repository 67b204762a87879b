"""Practitioners adding the same patient email at the same moment: one patient
is added, and everyone else reads the form's "already has a patient" message
(clinic.patients.services.add_patient turns the unique constraint's refusal
into the form's words). PostgreSQL only (see tests/concurrency.py); CI runs
it there."""

import threading

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Invitation, Patient
from clinic.patients.messages import SENTENCES
from clinic.patients.services import PatientRefused, add_patient
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

RACERS = 15


def test_many_practitioners_adding_one_email_at_once_add_one_patient(alice):
    tabs = []
    for _ in range(RACERS):
        tab = Client()
        tab.force_login(alice.user)
        tabs.append(tab)
    posts = iter(tabs)
    lock = threading.Lock()

    def post(index: int):
        with lock:
            tab = next(posts)
        response = tab.post(
            reverse("patient-add"),
            {
                "full_name": f"Jo March {index}",
                "email": "jo@example.org",
                "primary_practitioner": alice.pk,
            },
        )
        return response.status_code, response.text

    results = at_once(RACERS, post)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (RACERS - 1) + [302], statuses
    refusals = [text for status, text in results if status == 200]
    assert all(SENTENCES["patients.email_taken"] in text for text in refusals)
    assert Patient.objects.filter(email="jo@example.org").count() == 1
    assert Invitation.objects.count() == 1


def test_the_service_called_at_once_for_one_address_adds_one_patient(clinic_a, alice):
    # Straight to the service: no form's check first, so every loser meets
    # the database's unique constraint.
    request = RequestFactory().post("/patients/add/")
    results = at_once(
        RACERS,
        lambda index: add_patient(
            clinic_a,
            full_name=f"Jo March {index}",
            email="Jo@Example.org" if index % 2 else "jo@example.org",
            primary_practitioner=alice,
            request=request,
        ),
    )
    added = [result for result in results if isinstance(result, tuple)]
    refused = [result for result in results if isinstance(result, PatientRefused)]
    assert len(added) == 1, results
    assert [(error.code, error.field) for error in refused] == [
        ("patients.email_taken", "email")
    ] * (RACERS - 1)
    assert Patient.objects.count() == 1
    assert Invitation.objects.count() == 1
