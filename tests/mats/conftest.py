"""The content editor the mats tests share: staff in the "Content editors" group."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from mats.permissions import sync_content_editors
from tests.conftest import make_user


@pytest.fixture
def editor(db) -> User:
    # The group is made here rather than read: a test that empties the
    # database (a browser test's) also removes what the migration made.
    user = make_user("editor@clinic.example", "Eda Editor", is_staff=True)
    user.groups.add(sync_content_editors(Group, Permission))
    return user
