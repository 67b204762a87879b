"""Run again on SQLite in CI: migrations are complete and the site starts."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.smoke


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations_unwind_and_apply_again():
    call_command("migrate", "accounts", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    from accounts.models import Clinic

    assert Clinic.objects.count() == 0


def test_sign_in_page_renders(visitor_client):
    response = visitor_client.get(reverse("login"))
    assert response.status_code == 200
    assert "<h1>Sign in</h1>" in response.text


def test_visitor_is_sent_to_sign_in(visitor_client):
    response = visitor_client.get("/")
    assert response["Location"] == "/sign-in/?next=/"
