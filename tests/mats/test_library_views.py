"""The read-only library pages show published content to patients and practitioners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mats.models import EvidenceSummary, GuidancePage
from mats.services import publish_safety_version
from tests.mats.factories import give_picture, make_position, make_routine, make_safety_content


def test_library_lists_guides_and_the_safety_version(pat_client, staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    GuidancePage.objects.create(
        title="Breathing", slug="breathing", summary="Slow and easy.", body="x", is_published=True
    )
    html = pat_client.get(reverse("library")).content.decode()
    assert "Breathing" in html
    assert "Slow and easy." in html
    assert "Version 1" in html


def test_guide_renders_its_markdown(alice_client):
    GuidancePage.objects.create(
        title="Cleaning",
        slug="cleaning",
        summary="x",
        body="- **Cover:** wash by hand",
        is_published=True,
    )
    html = alice_client.get(reverse("guidance-page", args=["cleaning"])).content.decode()
    assert "<li><strong>Cover:</strong> wash by hand</li>" in html


def test_positions_can_be_filtered_by_region(pat_client):
    make_position("Low back, lying", body_region="low_back")
    make_position("Feet, standing lightly", body_region="feet", uses_neck_pillow=False)
    html = pat_client.get(reverse("position-list"), {"region": "feet"}).content.decode()
    assert "Feet, standing lightly" in html
    assert "Low back, lying" not in html


def test_unknown_region_is_a_bad_request(pat_client):
    response = pat_client.get(reverse("position-list"), {"region": "elbows"})
    assert response.status_code == 400
    assert response.text == "That body region is not one we know."


def test_routine_shows_each_stage(alice_client):
    make_routine("gentle", weeks=[(1, 2), (3, None)])
    html = alice_client.get(reverse("routine-detail", args=["gentle"])).content.decode()
    assert "Weeks 1 to 2" in html
    assert "Week 3 onwards" in html
    assert "5 to 10 minutes, 3 times a week" in html
    assert "Bed (soft)" in html


def test_routine_list_summarises_the_ladder(pat_client):
    make_routine("gentle", weeks=[(1, 1), (2, None)])
    html = pat_client.get(reverse("routine-list")).content.decode()
    assert "Week 2 onwards: 5–10 min, 3× a week" in html  # noqa: RUF001


def test_routine_list_query_count_does_not_grow_with_routines(alice_client):
    make_routine("one")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("routine-list"))
        return len(ctx.captured_queries)

    before = count()
    make_routine("two")
    make_routine("three", weeks=[(1, 1), (2, 3), (4, None)])
    assert count() == before


def test_evidence_page_lists_studies_with_limits(pat_client):
    EvidenceSummary.objects.create(
        short_name="Hohmann et al. 2012",
        slug="hohmann-2012",
        citation="Evid Based Complement Alternat Med",
        population="Neck and low back pain, two weeks",
        protocol="Daily mat",
        finding="Less pain",
        limits="Small and short",
        link="https://doi.org/10.1155/2012/753583",
        is_published=True,
    )
    html = pat_client.get(reverse("evidence")).content.decode()
    assert "Hohmann et al. 2012" in html
    assert "Small and short" in html
    assert 'href="https://doi.org/10.1155/2012/753583"' in html


@pytest.mark.django_db
def test_evidence_link_must_be_http(staff_client):
    response = staff_client.post(
        reverse("admin:mats_evidencesummary_add"),
        {
            "short_name": "X 2020",
            "slug": "x-2020",
            "citation": "x",
            "population": "x",
            "protocol": "x",
            "finding": "x",
            "limits": "x",
            "link": "javascript:alert(1)",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert not EvidenceSummary.objects.exists()


def test_practitioner_sees_severity_and_explanation_on_the_safety_page(alice_client, staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    html = alice_client.get(reverse("safety")).content.decode()
    assert "Absolute: no plan may start" in html
    assert "Relative: clearance with a reason" in html
    assert "Pressure worsens it." in html


def test_an_earlier_version_is_shown_exactly_as_published(alice_client, staff):
    content = make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    content["pregnancy"].name = "Pregnancy, or trying to conceive"
    content["pregnancy"].save()
    publish_safety_version(change_note="Wider.", published_by=staff)
    old = alice_client.get(reverse("safety-version", args=[1])).content.decode()
    assert "This is an earlier version" in old
    assert "trying to conceive" not in old
    assert "trying to conceive" in alice_client.get(reverse("safety")).content.decode()
    assert alice_client.get(reverse("safety-version", args=[9])).status_code == 404


def test_positions_page_shows_each_positions_picture(pat_client):
    make_position("Low back, lying", illustration="low_back_lying")
    give_picture(make_position("Sitting", body_region="hips_legs"), alt="Sitting on a chair.")
    make_position("Words only", body_region="feet")
    html = pat_client.get(reverse("position-list")).content.decode()
    assert html.count('class="position-picture position-picture-large"') == 2
    assert 'src="/static/img/positions/low_back_lying.svg"' in html
    assert 'alt="Sitting on a chair."' in html
    assert 'src="/media/positions/' in html


def test_routine_page_shows_its_positions_pictures(alice_client):
    position = make_position("Low back, lying", illustration="face_down")
    make_routine("gentle", positions=[position])
    html = alice_client.get(reverse("routine-detail", args=["gentle"])).content.decode()
    assert 'src="/static/img/positions/face_down.svg"' in html
    assert "<figcaption>Low back, lying</figcaption>" in html
