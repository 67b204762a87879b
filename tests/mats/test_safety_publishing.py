"""Publishing freezes the draft safety content as the next numbered version."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import IntegrityError, transaction

from accounts.errors import sentence
from mats.models import Contraindication, SafetyVersion, StopRule
from mats.services import (
    SafetyRefused,
    current_safety_version,
    draft_safety_snapshot,
    publish_safety_version,
    published_contraindications,
    published_stop_rules,
    unpublished_safety_changes,
)
from tests.mats.factories import make_safety_content

pytestmark = pytest.mark.django_db


def test_nothing_published_means_no_current_version_and_no_content():
    assert current_safety_version() is None
    assert published_contraindications() == ()
    assert published_stop_rules() == ()


def test_first_publication_is_version_one_with_a_snapshot(staff):
    make_safety_content()
    version = publish_safety_version(change_note="First guidance.", published_by=staff)
    assert version.number == 1
    assert version.published_by == staff
    assert version.change_note == "First guidance."
    snapshot = version.snapshot
    assert [c.code for c in snapshot.contraindications] == ["pregnancy", "open-wounds"]
    assert [r.code for r in snapshot.stop_rules] == ["bruising", "dizziness"]
    assert [s.title for s in snapshot.sections] == ["Part of your care"]
    assert snapshot == draft_safety_snapshot()


def test_next_publication_takes_the_next_number(staff):
    content = make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    content["pregnancy"].screening_question = "Are you pregnant?"
    content["pregnancy"].save()
    version = publish_safety_version(change_note="Shorter question.", published_by=staff)
    assert version.number == 2
    assert current_safety_version() == version


def test_snapshot_does_not_follow_later_edits(staff):
    content = make_safety_content()
    version = publish_safety_version(change_note="First.", published_by=staff)
    content["dizziness"].what_to_do = "Something else entirely."
    content["dizziness"].save()
    Contraindication.objects.filter(code="open-wounds").delete()
    version.refresh_from_db()
    assert [c.code for c in version.snapshot.contraindications] == ["pregnancy", "open-wounds"]
    rule = next(r for r in version.snapshot.stop_rules if r.code == "dizziness")
    assert rule.what_to_do == "Stay still until it passes."


@pytest.mark.parametrize("note", ["", "   \n "])
def test_change_note_is_required(staff, note):
    make_safety_content()
    with pytest.raises(SafetyRefused) as refused:
        publish_safety_version(change_note=note, published_by=staff)
    assert (refused.value.code, refused.value.field) == (
        "safety.change_note_missing",
        "change_note",
    )
    assert sentence(refused.value).startswith("Write a change note")
    assert not SafetyVersion.objects.exists()


def test_database_refuses_a_version_without_a_change_note():
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyVersion.objects.create(number=1, change_note="  ", content={})


def test_database_refuses_two_versions_with_the_same_number():
    SafetyVersion.objects.create(number=1, change_note="a", content={})
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyVersion.objects.create(number=1, change_note="b", content={})


def test_publishing_without_changes_is_refused(staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    with pytest.raises(SafetyRefused) as refused:
        publish_safety_version(change_note="Again.", published_by=staff)
    assert refused.value.code == "safety.nothing_changed"
    assert sentence(refused.value).startswith("Nothing has changed since version 1,")
    assert SafetyVersion.objects.count() == 1


def test_unpublished_changes_name_what_an_editor_changed(staff):
    content = make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    assert not unpublished_safety_changes()
    content["pregnancy"].severity = "absolute"
    content["pregnancy"].save()
    StopRule.objects.create(code="rash", symptom="A lasting rash", what_to_do="Stop.")
    changes = unpublished_safety_changes()
    (change,) = changes.contraindications.changed
    assert change.changed_fields == ("severity",)
    assert [r.code for r in changes.stop_rules.added] == ["rash"]
    assert changes.summary() == "Added: A lasting rash. Changed: Pregnancy (severity)"


def test_publishing_is_recorded_in_the_admin_history(staff):
    make_safety_content()
    version = publish_safety_version(change_note="First guidance.", published_by=staff)
    entry = LogEntry.objects.get(object_id=str(version.pk))
    assert entry.user == staff
    assert entry.action_flag == ADDITION
    assert entry.get_change_message().startswith("Published safety version 1. Added: Pregnancy")
    assert entry.get_change_message().endswith("Change note: First guidance.")


def test_published_contraindications_carry_severity_for_the_safety_gate(staff):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    by_code = {c.code: c for c in published_contraindications()}
    assert by_code["open-wounds"].is_absolute
    assert not by_code["pregnancy"].is_absolute
    assert by_code["pregnancy"].question == "Are you pregnant, or could you be?"
    assert {r.code: r.pauses_plan for r in published_stop_rules()} == {
        "bruising": False,
        "dizziness": True,
    }
