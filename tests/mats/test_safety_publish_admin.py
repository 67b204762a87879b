"""The admin page where an editor publishes a new safety version."""

import pytest
from django.urls import reverse

from mats.models import SafetyVersion
from mats.services import publish_safety_version
from tests.mats.factories import make_safety_content

PUBLISH_URL = reverse("admin:mats_safetyversion_publish")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_publish_page_previews_what_will_change(editor_client, staff):
    content = make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    content["pregnancy"].screening_question = "Are you pregnant?"
    content["pregnancy"].save()
    response = editor_client.get(PUBLISH_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Patients and practitioners now see <strong>version 1</strong>" in html
    assert "Updated: Pregnancy (screening question)" in html
    assert 'value="Publish version 2"' in html


def test_editor_publishes_with_a_change_note(editor_client, editor):
    make_safety_content()
    response = editor_client.post(PUBLISH_URL, {"change_note": "Our first safety guidance."})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mats_safetyversion_changelist")
    version = SafetyVersion.objects.get()
    assert (version.number, version.published_by, version.change_note) == (
        1,
        editor,
        "Our first safety guidance.",
    )
    history = editor_client.get(reverse("admin:mats_safetyversion_history", args=[version.pk]))
    assert "Published safety version 1." in history.content.decode()
    assert "Eda Editor" in history.content.decode() or editor.email in history.content.decode()


def test_missing_change_note_is_explained(editor_client):
    make_safety_content()
    response = editor_client.post(PUBLISH_URL, {"change_note": ""})
    assert response.status_code == 200
    assert "Write a change note before publishing." in response.content.decode()
    assert not SafetyVersion.objects.exists()


def test_publishing_nothing_new_is_explained(editor_client, staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    response = editor_client.post(PUBLISH_URL, {"change_note": "Again."})
    assert response.status_code == 200
    assert "Nothing has changed since version 1" in response.content.decode()
    assert SafetyVersion.objects.count() == 1


def test_changelist_offers_publishing_and_warns_about_drafts(editor_client):
    make_safety_content()
    html = editor_client.get(reverse("admin:mats_safetyversion_changelist")).content.decode()
    assert "Publish a new safety version" in html
    assert "Some safety content has changed and is not published" in html


def test_editing_a_contraindication_warns_that_it_is_a_draft(editor_client):
    make_safety_content()
    html = editor_client.get(reverse("admin:mats_contraindication_changelist")).content.decode()
    assert "patients and practitioners still see no safety guidance yet" in html


def test_published_versions_cannot_be_edited_or_deleted(editor_client, staff_client, staff):
    make_safety_content()
    version = publish_safety_version(change_note="First.", published_by=staff)
    for client in (editor_client, staff_client):
        change = client.get(reverse("admin:mats_safetyversion_change", args=[version.pk]))
        assert change.status_code == 200
        assert "Save" not in change.content.decode()
        assert "Open wounds" in change.content.decode()
        delete = client.post(reverse("admin:mats_safetyversion_delete", args=[version.pk]))
        assert delete.status_code == 403
        assert client.get(reverse("admin:mats_safetyversion_add")).status_code == 403
    assert SafetyVersion.objects.count() == 1


def test_no_publish_button_when_nothing_changed(editor_client, staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    html = editor_client.get(PUBLISH_URL).content.decode()
    assert "Nothing has changed since version 1. Edit the safety content first." in html
    assert "Publish version 2" not in html
