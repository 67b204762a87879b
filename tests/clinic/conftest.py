"""Fixtures for the care side: published safety content and a routine."""

import pytest

from mats.services import publish_safety_version
from tests.clinic.factories import screen
from tests.mats.factories import make_routine, make_safety_content


@pytest.fixture
def safety(staff):
    """Version 1 with one relative ("pregnancy") and one absolute
    ("open-wounds") contraindication."""
    make_safety_content()
    return publish_safety_version(change_note="First.", published_by=staff)


@pytest.fixture
def routine(db):
    """Published, two stages: week 1, then week 2 onwards; 5-10 minutes, 3 a week."""
    return make_routine("gentle")


@pytest.fixture
def screened_pat(pat, safety):
    """Pat, with a screening that raised nothing."""
    screen(pat)
    return pat
