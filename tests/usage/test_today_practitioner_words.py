"""The practitioner's words on the Today page come in one card
(usage/patient_home.html, partial ``practitioner-words``): their latest
message with its date, and the note that came with the plan; the plan page
shows the note in the same card."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clinic.usage.models import Feedback
from mats.services import acknowledge_safety_version
from tests.factories import make_plan

HOME = reverse("patient-home")
NOTE = "Keep the T-shirt on this week."
MESSAGE = "Well done on a steady week. Try the floor next time."


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def cards(html: str) -> list[str]:
    return re.findall(r'<article class="practitioner-note".*?</article>', html, re.S)


@pytest.fixture
def plan(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    return make_plan(screened_pat, routine)


def with_note(plan):
    plan.note_for_patient = NOTE
    plan.save(update_fields=["note_for_patient"])


def feedback(patient, plan, author) -> Feedback:
    return Feedback.objects.create(patient=patient, plan=plan, author=author, message=MESSAGE)


def test_the_message_and_the_plans_note_share_one_card(pat_client, pat, alice, plan):
    with_note(plan)
    sent = feedback(pat, plan, alice.user)
    html = pat_client.get(HOME).text
    [card] = cards(html)
    words = text_of(card)
    sent_on = date_format(timezone.localtime(sent.created_at, pat.zone), "l j F")
    assert words == (
        f"A message from Alice Practitioner {MESSAGE} Sent {sent_on} With your plan: {NOTE}"
    )
    assert "From your practitioner" not in html


def test_a_note_alone_comes_from_your_practitioner(pat_client, plan):
    with_note(plan)
    [card] = cards(pat_client.get(HOME).text)
    assert text_of(card) == f"From your practitioner {NOTE}"


def test_a_message_alone_says_who_sent_it_and_when(pat_client, pat, alice, plan):
    feedback(pat, plan, alice.user)
    [card] = cards(pat_client.get(HOME).text)
    assert text_of(card).startswith(f"A message from Alice Practitioner {MESSAGE} Sent ")
    assert "With your plan" not in card


def test_no_words_no_card(pat_client, plan):
    assert cards(pat_client.get(HOME).text) == []


def test_the_plan_page_shows_the_note_in_the_same_card(pat_client, pat, alice, plan):
    with_note(plan)
    feedback(pat, plan, alice.user)
    [card] = cards(pat_client.get(reverse("patient-plan")).text)
    assert text_of(card) == f"From your practitioner {NOTE}"


def test_the_latest_message_shows_also_without_its_author(pat_client, pat, alice, plan):
    Feedback.objects.create(patient=pat, plan=plan, author=alice.user, message="An older one.")
    feedback(pat, plan, None)
    [card] = cards(pat_client.get(HOME).text)
    assert text_of(card).startswith(f"A message from your practitioner {MESSAGE} Sent ")
    assert "An older one." not in card


def test_the_message_shows_with_no_current_plan(pat_client, screened_pat, alice, safety):
    acknowledge_safety_version(screened_pat, safety)
    feedback(screened_pat, None, alice.user)
    response = pat_client.get(HOME)
    assert response.status_code == 200
    [card] = cards(response.text)
    assert text_of(card).startswith(f"A message from Alice Practitioner {MESSAGE} Sent ")
