"""A score of 0 is an answer ("no pain", "not relaxed at all"), never the
same as leaving the score out: the patient's pages show it as 0."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.clock import patient_today
from clinic.usage.services import LogDetails, check_off, save_details
from mats.services import acknowledge_safety_version
from tests.factories import make_plan

HOME = reverse("patient-home")
DETAILS = re.compile(r"<details[^>]*class=\"session-details\"[^>]*>")


@pytest.fixture
def plan(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    today = patient_today(screened_pat)
    start = today - timedelta(days=2)
    # Three a week from two days ago: sessions two days ago and today.
    return make_plan(screened_pat, routine, start=start, today=start)


def logged(plan, days_ago: int, **scores):
    session = plan.sessions.get(date=patient_today(plan.patient) - timedelta(days=days_ago))
    log, _ = check_off(session)
    save_details(log, LogDetails(**scores))
    return session


def text_of(html: str) -> str:
    """What a reader sees: the words with the tags and extra spaces gone."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def card_top(html: str) -> str:
    """The card's words above "How did it go?"."""
    return text_of(html.split('id="session-card"')[1].split("<details")[0])


def test_pain_of_zero_shows_as_zero_on_todays_card(pat_client, plan):
    logged(plan, 0, pain_before=0, pain_after=0)
    html = pat_client.get(HOME).text
    assert "Pain 0 before, 0 after." in card_top(html)
    # Answered, so "How did it go?" stays folded as for any other score.
    assert " open" not in DETAILS.search(html).group(0)


def test_relaxation_of_zero_shows_as_zero_on_todays_card(pat_client, plan):
    logged(plan, 0, relaxation=0)
    html = pat_client.get(HOME).text
    assert "Relaxed 0 out of 10." in card_top(html)
    assert "Pain" not in card_top(html)
    assert " open" not in DETAILS.search(html).group(0)


def test_a_card_with_nothing_said_asks_how_it_went(pat_client, plan):
    logged(plan, 0)
    html = pat_client.get(HOME).text
    assert " open" in DETAILS.search(html).group(0)
    assert "Relaxed" not in card_top(html)
    assert "Pain" not in card_top(html)


def test_a_missed_days_page_shows_a_zero_score(pat_client, plan):
    session = logged(plan, 2, pain_before=0, pain_after=3, relaxation=0)
    html = pat_client.get(reverse("session-day", args=[session.pk])).text
    assert "Pain 0 before, 3 after. Relaxed 0 out of 10." in card_top(html)
    assert " open" not in DETAILS.search(html).group(0)


def test_the_calendar_shows_a_zero_score(pat_client, plan):
    logged(plan, 2, pain_before=0)
    html = pat_client.get(reverse("patient-plan")).text
    assert "Pain 0 before, not scored after" in text_of(html)


def test_how_it_felt_alone_folds_how_did_it_go_too(pat_client, plan):
    logged(plan, 0, sensations=("warm",))
    html = pat_client.get(HOME).text
    assert " open" not in DETAILS.search(html).group(0)
    assert "Pain" not in card_top(html)
