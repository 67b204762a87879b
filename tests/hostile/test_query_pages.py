"""Every page that reads its query string, as every persona who may read it,
with hostile parameters: never a server error, and a GET writes no row."""

from datetime import date

import pytest
from hypothesis import given

from tests.hostile.conftest import client_for
from tests.hostile.discovery import discover, url_name
from tests.hostile.drive import HOSTILE, check, record, send, snapshot
from tests.hostile.registry import QUERY_PAGES
from tests.hostile.values import submission


# A date typed into an admin date filter by hand reaches the query without a
# time zone: Django warns, and the suite makes its warnings errors to catch
# the project's own naive datetimes. Here it is the admin's, and not an error.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
@pytest.mark.parametrize("key", sorted(QUERY_PAGES))
def test_hostile_parameters_never_break_a_page(key, clients, people, hostile_world):
    page = QUERY_PAGES[key]
    found = discover(clients, hostile_world, only=lambda candidate: candidate == page)
    query_page = found.query_pages[key]
    client = client_for(people[page.persona])
    today = date.today()
    # Parameters start empty, as on a first visit; any number are then set.
    fields = tuple((name, ()) for name in query_page.params)
    kinds = {name: "date" for name in query_page.params if name.endswith(("__gte", "__lt"))}

    @HOSTILE
    @given(data=submission(fields, kinds, {}, hostile_world["foreign_ids"], today))
    def hostile(data):
        before = snapshot()
        response = send.get(client, query_page.path, data)
        record(response)
        check(response, method="get", view_name=url_name(query_page.path), before=before)

    hostile()
