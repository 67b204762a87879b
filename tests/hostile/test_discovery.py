"""Discovery finds exactly the forms and query pages the registry lists, so
a new form or parameter cannot escape the hostile tests."""

from tests.hostile.discovery import discover
from tests.hostile.registry import FORMS, QUERY_PAGES


def test_every_form_and_query_page_is_registered_and_counted(clients, hostile_world):
    found = discover(clients, hostile_world)
    assert {key: form.page for key, form in found.forms.items()} == FORMS
    assert {key: page.page for key, page in found.query_pages.items()} == QUERY_PAGES
    assert len(found.forms) == 163
    assert len(found.query_pages) == 41
    # Every persona, both clinics' practitioners among them, has forms of their own.
    assert {form.page.persona for form in found.forms.values()} == {
        "visitor",
        "pat",
        "alice",
        "bob",
        "staff",
        "carol",
    }
