"""Every form, as every persona who sees it, posted with hostile values.

Whatever is sent, the answer is never a server error; a refusal (the form
again with its errors, or a 4xx) writes no row; and what a success stores is
within the form's bounds. The world is built once per form; each example
counts rows before and after rather than rebuilding it.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile.conftest import client_for
from tests.hostile.discovery import CSRF, STATES, discover, url_name
from tests.hostile.drive import FEW, HOSTILE, check, record, send, snapshot, submissions
from tests.hostile.registry import FORMS


def _the_form(key, clients, world):
    page = FORMS[key]
    found = discover(clients, world, only=lambda candidate: candidate == page)
    return found.forms[key]


@pytest.mark.parametrize("key", sorted(FORMS))
def test_hostile_values_never_break_a_form(key, clients, people, hostile_world):
    form = _the_form(key, clients, hostile_world)
    view_name = url_name(form.action)
    user = people[form.page.persona]

    client = client_for(user)

    fillable = [name for name, _ in form.fields if name != CSRF]

    @settings(HOSTILE, max_examples=HOSTILE.max_examples if fillable else FEW)
    @given(data=submissions(form, hostile_world["foreign_ids"]), multipart=st.booleans())
    def hostile(data, multipart):
        # Signing out, or a password changed, ends the session: sign in again.
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)
        before = snapshot()
        if form.method == "get":
            response = send.get(client, form.action, data)
        else:
            response = send.post(client, form.action, data, multipart=multipart)
        record(response)
        check(response, method=form.method, view_name=view_name, before=before)

    hostile()


def test_states_are_all_used():
    assert {page.state for page in FORMS.values()} == set(STATES)
