"""Two confirmations at the same moment (accounts.email_change).

A third transaction holds the address (uncommitted) while both confirm, so
both pass the check and then wait on the unique index together; when it
lets go, the database keeps one. PostgreSQL only (see tests/concurrency.py).
"""

import pytest
from django.db import connection, transaction

from accounts import audit
from accounts.email_change import EmailChangeRefused, confirm_change, make_token
from accounts.models import AuditEvent, User
from tests.concurrency import start_together, wait_until_blocked
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

NEW = "shared.new@x.example"


def test_two_accounts_confirming_one_address_keep_one(pat, alice):
    people = [pat.user, alice.user]
    tokens = [make_token(person, NEW) for person in people]

    def confirm(index):
        return confirm_change(people[index], tokens[index], actor=audit.SYSTEM)

    with transaction.atomic():
        placeholder = make_user(NEW)
        finish = start_together(2, confirm)
        wait_until_blocked(2)
        transaction.set_rollback(True)  # the placeholder goes; the racers collide
    results = finish()
    changed = [result for result in results if result == NEW]
    refused = [result for result in results if isinstance(result, EmailChangeRefused)]
    assert (len(changed), len(refused)) == (1, 1), results
    assert refused[0].code == "email_change.taken"
    assert User.objects.filter(email=NEW).count() == 1
    assert not User.objects.filter(pk=placeholder.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).count() == 1


def test_one_link_sent_twice_at_once_changes_once(pat):
    token = make_token(pat.user, NEW)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=pat.user.pk)
        finish = start_together(2, lambda _: confirm_change(pat.user, token, actor=audit.SYSTEM))
        wait_until_blocked(2)
    results = finish()
    refused = [result for result in results if isinstance(result, EmailChangeRefused)]
    assert results.count(NEW) == 1, results
    assert [error.code for error in refused] == ["email_change.link_used"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).count() == 1
