"""The current safety version is read once per request, and publishing
inside that request is seen at once."""

from mats.models import Contraindication
from mats.services import (
    acknowledge_safety_version,
    current_safety_version,
    needs_acknowledgement,
    one_safety_read,
    publish_safety_version,
)


def test_within_a_request_it_is_read_once(safety, django_assert_num_queries):
    with one_safety_read(), django_assert_num_queries(1):
        assert current_safety_version() == safety
        assert current_safety_version() == safety


def test_outside_a_request_every_call_reads_the_database(safety, django_assert_num_queries):
    with django_assert_num_queries(2):
        current_safety_version()
        current_safety_version()


def test_publishing_in_the_request_is_seen_at_once(safety, staff):
    with one_safety_read():
        assert current_safety_version().number == 1
        Contraindication.objects.filter(code="pregnancy").update(
            screening_question="Are you pregnant now?"
        )
        publish_safety_version(change_note="Clearer question.", published_by=staff)
        assert current_safety_version().number == 2


def test_each_request_reads_it_afresh(safety, staff):
    with one_safety_read():
        assert current_safety_version().number == 1
    Contraindication.objects.filter(code="pregnancy").update(
        screening_question="Are you pregnant now?"
    )
    publish_safety_version(change_note="Clearer question.", published_by=staff)
    with one_safety_read():
        assert current_safety_version().number == 2


def test_the_acknowledgement_question_reads_the_version_with_it(
    pat, safety, django_assert_num_queries
):
    with one_safety_read(), django_assert_num_queries(1):
        assert needs_acknowledgement(pat)
        assert current_safety_version() == safety
    acknowledge_safety_version(pat, safety)
    with one_safety_read(), django_assert_num_queries(1):
        assert not needs_acknowledgement(pat)
        assert current_safety_version() == safety


def test_the_acknowledgement_question_with_nothing_published(pat, django_assert_num_queries):
    with one_safety_read(), django_assert_num_queries(1):
        assert not needs_acknowledgement(pat)
        assert current_safety_version() is None


def test_the_acknowledgement_question_after_a_publication_in_the_request(pat, safety, staff):
    acknowledge_safety_version(pat, safety)
    with one_safety_read():
        assert not needs_acknowledgement(pat)
        Contraindication.objects.filter(code="pregnancy").update(
            screening_question="Are you pregnant now?"
        )
        publish_safety_version(change_note="Clearer question.", published_by=staff)
        assert needs_acknowledgement(pat)
