"""On PostgreSQL, a statement a connection runs again is prepared on the
server, so PostgreSQL plans it once instead of on every request (settings:
``server_side_binding`` and ``prepare_threshold``)."""

import pytest
from django.db import connection, connections

from accounts.models import User
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL's server"),
]


@pytest.fixture
def own():
    """A connection of this test's own, outside the test's transaction."""
    wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def prepared(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_is_prepared_once_on_the_server(own):
    for value in (1, 2, 3, 4):
        with own.cursor() as cursor:
            cursor.execute("SELECT %s::int + 1", [value])
            assert cursor.fetchone()[0] == value + 1
    assert "SELECT $1::int + 1" in prepared(own)


def test_a_query_run_once_is_not_prepared(own):
    with own.cursor() as cursor:
        cursor.execute("SELECT %s::int * 3", [5])
        assert cursor.fetchone()[0] == 15
    assert not [statement for statement in prepared(own) if "* 3" in statement]


def test_an_orm_query_answers_for_its_own_values_once_prepared():
    """Each run of a prepared statement answers for the values it was given,
    not for the first run's."""
    emails = [f"prepared{n}@clinic.example" for n in range(4)]
    for number, email in enumerate(emails):
        make_user(email, f"Prepared {number}")
    found = [User.objects.get(email=email).full_name for email in emails]
    assert found == [f"Prepared {number}" for number in range(4)]
    assert any('"accounts_user"."email" = $1' in text for text in prepared(connection))
