"""Practitioners see which safety version each of their patients has read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Patient
from mats.models import StopRule
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.mats.factories import make_safety_content


@pytest.fixture
def two_versions(staff):
    make_safety_content()
    first = publish_safety_version(change_note="First.", published_by=staff)
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    second = publish_safety_version(change_note="Rashes.", published_by=staff)
    return first, second


def add_patients(alice, count: int) -> None:
    for number in range(count):
        Patient.objects.create(
            clinic=alice.clinic,
            primary_practitioner=alice,
            full_name=f"Extra {number}",
            email=f"extra{number}@patients.example",
        )


def test_list_shows_the_version_each_patient_read(alice, alice_client, pat, two_versions):
    first, second = two_versions
    acknowledge_safety_version(pat, first)
    add_patients(alice, 1)
    html = alice_client.get(reverse("patient-list")).content.decode()
    assert "Safety guidance read" in html
    assert "Version 1, not yet 2" in html
    assert "Not yet" in html
    acknowledge_safety_version(pat, second)
    assert "Version 2 (current)" in alice_client.get(reverse("patient-list")).content.decode()


def test_list_says_so_when_nothing_is_published(alice_client, pat):
    assert "Nothing published" in alice_client.get(reverse("patient-list")).content.decode()


def test_list_query_count_does_not_grow_with_patients(alice, alice_client, pat, two_versions):
    acknowledge_safety_version(pat, two_versions[0])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("patient-list"))
        return len(ctx.captured_queries)

    before = count()
    add_patients(alice, 5)
    assert count() == before


def test_detail_shows_the_version_read_with_a_link(alice_client, pat, two_versions):
    first, _ = two_versions
    acknowledge_safety_version(pat, first)
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).content.decode()
    assert f'href="{reverse("safety-version", args=[1])}"' in html
    assert "The current version is 2" in html


def test_detail_when_the_patient_has_not_read_any(alice_client, pat, two_versions):
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).content.decode()
    assert "Has not read the safety guidance yet" in html
