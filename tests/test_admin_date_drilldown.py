"""The admin's date drill-down (``date_hierarchy``) is a query string too: a
year outside 1900-2100 is a 400 (accounts.bounds.BoundedDateHierarchyMixin on
every record admin), where 31 December 9999 overflowed into a server error."""

import pytest

DRILL_DOWNS = [
    "/admin/usage/sideeffectreport/?reported_at__year=9999&reported_at__month=12&reported_at__day=31",
    "/admin/usage/sessionlog/?logged_at__year=9999&logged_at__month=12",
    "/admin/notifications/outgoingemail/?created_at__year=9999&created_at__month=12&created_at__day=31",
    "/admin/accounts/auditevent/?at__year=1&at__month=1&at__day=1",
    "/admin/accounts/deletionrequest/?requested_at__year=2101",
    "/admin/mats/safetyversion/?published_at__year=1899",
    "/admin/accounts/auditevent/?at__year=%D9%A2%D9%A0%D9%A2%D9%A6",  # Arabic-Indic 2026
]


@pytest.mark.parametrize("url", DRILL_DOWNS)
def test_a_drill_down_outside_1900_to_2100_is_a_400(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 400
    assert "We could not understand that request" in response.text


def test_a_drill_down_within_the_range_still_works(staff_client):
    response = staff_client.get("/admin/accounts/auditevent/?at__year=2026&at__month=12&at__day=31")
    assert response.status_code == 200
    assert "Select audit event to view" in response.text
