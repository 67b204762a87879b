"""A NUL byte in the path or the query string is a 400 on every page
(accounts.middleware.RefuseNulBytesMiddleware): PostgreSQL refuses NUL in
text, so an admin list filter holding one used to end as the 503 page."""

import pytest
from django.test import Client

from clinic.notifications.models import OutgoingEmail

ADMIN_FILTERS = [
    "/admin/usage/sideeffectreport/?severity__exact=x%00",
    "/admin/usage/sideeffectreport/?seen_at__isempty=%00",
    "/admin/plans/plan/?status__exact=x%00",
    "/admin/notifications/outgoingemail/?purpose__exact=x%00",
    "/admin/accounts/auditevent/?action__exact=x%00",
    "/admin/accounts/user/?q=x%00",
    "/admin/accounts/user/?x%00=1",
]


def _is_the_plain_400_page(response) -> None:
    assert response.status_code == 400
    assert "We could not understand that request" in response.text
    # Behind the header middleware, so the page carries the site's headers.
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ADMIN_FILTERS)
def test_a_nul_byte_in_an_admin_filter_is_a_400(staff_client, url):
    _is_the_plain_400_page(staff_client.get(url))


@pytest.mark.parametrize(
    "url", ["/patients/?q=Pat%00", "/patients/?status=%00", "/plans/%00/", "/admin/%00/"]
)
def test_a_nul_byte_anywhere_else_is_a_400_too(alice_client, url):
    _is_the_plain_400_page(alice_client.get(url))


def test_a_nul_byte_is_refused_before_sign_in_too(visitor_client):
    _is_the_plain_400_page(visitor_client.get("/sign-in/?next=/patients/%00"))


def test_a_post_with_a_nul_byte_in_its_query_string_writes_nothing(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/password-reset/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/password-reset/?x=%00",
        {"email": "pat@patients.example", "csrfmiddlewaretoken": token},
    )
    _is_the_plain_400_page(response)
    assert not OutgoingEmail.objects.exists()


def test_an_ordinary_filter_still_works(staff_client):
    response = staff_client.get("/admin/notifications/outgoingemail/?status__exact=sent")
    assert response.status_code == 200
    assert "Select outgoing email" in response.text
