"""What the session card puts first (usage/patient_home.html, partial
``card``): the position, the minutes and the tick-off, then how to do it
folded under a <details>; every htmx form on Today disables its button while
it is sent, and busy.js marks it busy. (The measured layout is checked in
tests/browser/test_today_first_screen.py.)"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.clock import patient_today
from clinic.usage.services import check_off
from mats.services import acknowledge_safety_version
from tests.factories import make_plan
from tests.mats.factories import make_position, make_routine

HOME = reverse("patient-home")


@pytest.fixture
def plan(screened_pat, safety):
    acknowledge_safety_version(screened_pat, safety)
    position = make_position(
        "Feet, standing", getting_on="Stand on the mat holding a chair.", getting_off="Step off."
    )
    return make_plan(screened_pat, make_routine(positions=[position]))


def card_of(html: str) -> str:
    return re.search(r'<article id="session-card".*?</article>', html, re.S).group()


def assert_facts_then_button_then_how_to(card: str, button: str) -> None:
    position = card.index("Feet, standing")
    minutes = card.index("5 minutes")
    tick_off = card.index(button)
    how_to = re.search(r'<details class="session-how-to">(.*?)</details>', card, re.S)
    assert position < minutes < tick_off < how_to.start()
    folded = how_to.group(1)
    for words in ("Stand on the mat holding a chair.", "about five breaths a minute", "Step off."):
        assert words in folded
        assert words not in card[: how_to.start()]


def test_todays_card_puts_the_facts_and_the_tick_off_before_the_folded_how_to(pat_client, plan):
    card = card_of(pat_client.get(HOME).text)
    assert_facts_then_button_then_how_to(card, "Done: tick off today's session")
    # The timer is offered beside it, as a quieter choice.
    assert card.index("Start the guided timer") < card.index('<details class="session-how-to">')
    assert card.count("big-action") == 1


def test_a_missed_days_card_puts_the_tick_off_first_too(pat_client, screened_pat, safety):
    acknowledge_safety_version(screened_pat, safety)
    start = patient_today(screened_pat) - timedelta(days=2)
    position = make_position(
        "Feet, standing", getting_on="Stand on the mat holding a chair.", getting_off="Step off."
    )
    plan = make_plan(screened_pat, make_routine(positions=[position]), start=start, today=start)
    html = pat_client.get(reverse("session-day", args=[plan.sessions.get(date=start).pk])).text
    card = card_of(html)
    assert_facts_then_button_then_how_to(card, "Done: tick off this session")


def forms_with_htmx(html: str) -> list[str]:
    return re.findall(r"<form[^>]*hx-post[^>]*>", html)


def test_every_htmx_form_on_today_disables_its_button_while_it_is_sent(pat_client, plan):
    to_do = pat_client.get(HOME).text
    check_off(plan.sessions.get(date=patient_today(plan.patient)))
    done = pat_client.get(HOME).text
    forms = forms_with_htmx(to_do) + forms_with_htmx(done)
    # The tick-off and the reminder offer; then "How did it go?", undo and the offer again.
    assert len(forms) == 5
    for form in forms:
        assert re.search(r'hx-disabled-elt="(find button|#reminder-offer button)"', form), form


def test_the_busy_script_is_a_deferred_file(pat_client, plan):
    html = pat_client.get(HOME).text
    assert re.search(r'<script src="/static/js/busy\.js" nonce="[^"]+" defer></script>', html)
    assert "hx-on" not in html
