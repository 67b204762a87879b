"""Only Content editors (and superusers) edit curated content; nobody else reaches it."""

from importlib import import_module
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from mats.models import Position
from mats.permissions import CONTENT_EDITORS_GROUP, EDITOR_PERMISSIONS
from tests.conftest import make_user
from tests.mats.factories import make_position

MIGRATION = "0002_content_editors_group"


@pytest.fixture
def plain_staff(db):
    return make_user("helper@clinic.example", "Hal Helper", is_staff=True)


def position_form(position: Position, **changes) -> dict:
    data = {
        "name": position.name,
        "body_region": position.body_region,
        "getting_on": position.getting_on,
        "getting_off": position.getting_off,
        "cautions": position.cautions,
        "suggested_start_minutes": str(position.suggested_start_minutes),
        "is_published": "on",
    }
    return {**data, **changes}


def test_migration_creates_the_group_with_the_editor_permissions(db):
    # Run its own step again on the models as they were then: a test that
    # empties the database (a browser test's) also removes what migrations made.
    Group.objects.filter(name=CONTENT_EDITORS_GROUP).delete()
    then = MigrationExecutor(connection).loader.project_state(("mats", MIGRATION))
    import_module(f"mats.migrations.{MIGRATION}").create_group(then.apps, None)
    group = Group.objects.get(name=CONTENT_EDITORS_GROUP)
    held = {(p.content_type.model, p.codename.split("_")[0]) for p in group.permissions.all()}
    expected = {
        (model, action) for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    }
    assert held == expected
    assert not any(model == "safetyacknowledgement" for model, _ in held)


def test_editor_changes_a_position_and_the_history_says_what_changed(client, editor):
    position = make_position()
    client.force_login(editor)
    url = reverse("admin:mats_position_change", args=[position.pk])
    response = client.post(url, position_form(position, cautions="Mind your shoulders."))
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.cautions == "Mind your shoulders."
    entry = LogEntry.objects.get(object_id=str(position.pk), action_flag=CHANGE)
    assert entry.user == editor
    assert entry.get_change_message() == "Changed Cautions."
    history = client.get(reverse("admin:mats_position_history", args=[position.pk]))
    assert "Changed Cautions." in history.content.decode()


def test_staff_outside_the_group_cannot_see_or_change_content(client, plain_staff):
    position = make_position()
    client.force_login(plain_staff)
    assert client.get(reverse("admin:index")).status_code == 200
    url = reverse("admin:mats_position_change", args=[position.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, position_form(position, cautions="Changed by someone else."))
    assert response.status_code == 403
    position.refresh_from_db()
    assert position.cautions == ""
    assert client.get(reverse("admin:mats_safetyversion_publish")).status_code == 403


@pytest.mark.parametrize("persona", ["pat_client", "alice_client"])
@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:mats_position_changelist", "admin:mats_safetyversion_publish"],
)
def test_practitioners_and_patients_cannot_reach_the_admin(request, persona, url_name):
    client = request.getfixturevalue(persona)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_demo_admin_is_a_content_editor(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    admin = User.objects.get(is_staff=True)
    assert admin.groups.filter(name=CONTENT_EDITORS_GROUP).exists()
