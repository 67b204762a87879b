"""What editors have not published never reaches patients or practitioners."""

import pytest
from django.urls import reverse

from mats.models import EvidenceSummary, GuidancePage
from mats.services import publish_safety_version, published_contraindications
from tests.factories import screen
from tests.mats.factories import make_position, make_routine, make_safety_content


@pytest.fixture
def published_then_edited(staff, pat):
    content = make_safety_content()
    version = publish_safety_version(change_note="First.", published_by=staff)
    pat.safety_acknowledgements.create(version=version)
    screen(pat)
    content["pregnancy"].screening_question = "DRAFT QUESTION"
    content["pregnancy"].practitioner_explanation = "DRAFT EXPLANATION"
    content["pregnancy"].save()
    content["dizziness"].symptom = "DRAFT SYMPTOM"
    content["dizziness"].save()
    content["intro"].body = "DRAFT SECTION"
    content["intro"].save()
    return content


def test_unpublished_safety_edits_stay_out_of_every_page(
    published_then_edited, pat_client, alice_client
):
    pages = [
        pat_client.get(reverse("safety")),
        pat_client.get(reverse("safety-acknowledge")),
        pat_client.get(reverse("safety-version", args=[1])),
        alice_client.get(reverse("safety")),
        pat_client.get(reverse("safety-questions")),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "DRAFT" not in html
    assert "Are you pregnant, or could you be?" in pages[0].content.decode()
    assert "Positions need adapting." in pages[3].content.decode()


def test_unpublished_safety_edits_do_not_ask_patients_again(published_then_edited, pat_client):
    response = pat_client.get(reverse("patient-home"))
    # Their today page, not the guidance to read again.
    assert response.status_code == 200
    assert "No mat plan yet" in response.text
    assert "The safety guidance has changed" not in response.text
    assert "DRAFT" not in response.text


def test_api_gives_the_published_contraindications_not_the_draft(published_then_edited):
    questions = [c.question for c in published_contraindications()]
    assert "DRAFT QUESTION" not in questions
    assert "Are you pregnant, or could you be?" in questions


def test_safety_page_before_anything_is_published(pat_client, db):
    make_safety_content()  # drafted but never published
    html = pat_client.get(reverse("safety")).content.decode()
    assert "has not published its safety guidance yet" in html
    assert "Pregnancy" not in html


@pytest.mark.parametrize("persona", ["pat_client", "alice_client"])
def test_unpublished_library_content_is_hidden(request, persona):
    client = request.getfixturevalue(persona)
    make_position("Secret draft position", is_published=False)
    make_routine("draft-routine", is_published=False)
    GuidancePage.objects.create(
        title="Draft guide", slug="draft-guide", summary="x", body="x", is_published=False
    )
    EvidenceSummary.objects.create(
        short_name="Draft study",
        slug="draft-study",
        citation="x",
        population="x",
        protocol="x",
        finding="x",
        limits="x",
    )
    assert "Secret draft position" not in client.get(reverse("position-list")).content.decode()
    assert "Draft Routine" not in client.get(reverse("routine-list")).content.decode()
    assert client.get(reverse("routine-detail", args=["draft-routine"])).status_code == 404
    assert "Draft guide" not in client.get(reverse("library")).content.decode()
    assert client.get(reverse("guidance-page", args=["draft-guide"])).status_code == 404
    assert "Draft study" not in client.get(reverse("evidence")).content.decode()


def test_unpublished_position_is_left_out_of_a_published_routine(pat_client):
    shown = make_position("Low back, lying")
    hidden = make_position("Hidden position", is_published=False)
    make_routine("mixed", positions=[shown, hidden])
    html = pat_client.get(reverse("routine-detail", args=["mixed"])).content.decode()
    assert "Low back, lying" in html
    assert "Hidden position" not in html
