"""accounts.models.User: one account per email address, whatever the letter case."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from accounts.models import User
from tests.conftest import PASSWORD, make_user


@pytest.mark.django_db
def test_email_is_stored_in_one_spelling():
    user = make_user("Ann@X.org")
    assert user.email == "ann@x.org"


@pytest.mark.django_db
def test_same_address_in_other_case_is_refused():
    make_user("Ann@X.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("ann@x.org")


@pytest.mark.django_db
def test_database_refuses_case_variant_even_when_normalising_is_bypassed():
    make_user("ann@x.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="ANN@X.ORG", password="!")])


@pytest.mark.django_db
def test_sign_in_ignores_case():
    make_user("ann@x.org")
    request = RequestFactory().post("/sign-in/")
    assert authenticate(request, username="ANN@x.Org", password=PASSWORD) is not None


@pytest.mark.django_db
def test_sign_in_form_accepts_other_case(visitor_client):
    make_user("ann@x.org")
    response = visitor_client.post("/sign-in/", {"username": "Ann@X.org", "password": PASSWORD})
    assert response.status_code == 302
    assert visitor_client.session.get("_auth_user_id") is not None
