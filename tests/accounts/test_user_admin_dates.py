"""The user admin shows when someone joined and last signed in but does not
let them be edited: the site keeps them, and an edited one could fall outside
the 1900-2100 every form accepts (accounts.bounds)."""

import pytest
from django.urls import reverse

from tests.sudo import confirmed


@pytest.fixture
def staff_client(staff_client):
    """Staff confirmed it is them a moment ago, as the user's page asks
    (tested in tests/accounts/test_sudo_admin.py)."""
    return confirmed(staff_client)


def test_the_dates_are_shown_not_editable(staff_client, pat):
    html = staff_client.get(reverse("admin:accounts_user_change", args=[pat.user.pk])).text
    assert "Date joined" in html
    assert 'name="date_joined_0"' not in html
    assert 'name="last_login_0"' not in html


def test_a_posted_date_is_ignored(staff_client, pat):
    joined = pat.user.date_joined
    url = reverse("admin:accounts_user_change", args=[pat.user.pk])
    response = staff_client.post(
        url,
        {
            "email": pat.user.email,
            "full_name": pat.user.full_name,
            "is_active": "on",
            "date_joined_0": "9999-12-31",
            "date_joined_1": "23:59:59",
        },
    )
    assert response.status_code == 302
    pat.user.refresh_from_db()
    assert pat.user.date_joined == joined
