"""Who the signed-in person is costs one query after the session, and a
patient without a second factor is not asked about it on every page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import NO_FACTOR_CHECKED, NO_FACTOR_RECHECK_SECONDS
from tests.factors import give_authenticator


def _tables(queries) -> list[str]:
    return [q["sql"] for q in queries]


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, _tables(captured.captured_queries)


def test_a_patient_is_read_with_their_record_and_clinic_in_one_query(pat_client, pat):
    pat_client.get(reverse("home"))  # the first page remembers "no second factor"
    response, sql = _get(pat_client, reverse("home"))
    assert response.status_code in (200, 302)
    # The user comes with the session row, joined to their record and clinic.
    user_reads = [q for q in sql if 'FROM "accounts_user"' in q or '"accounts_session"' in q]
    assert len(user_reads) == 1
    assert user_reads[0].startswith("SELECT") and 'FROM "accounts_session"' in user_reads[0]
    assert all(
        f'JOIN "accounts_{table}"' in user_reads[0] for table in ("user", "patient", "clinic")
    )
    assert not any('FROM "accounts_patient"' in q for q in sql[:3])
    assert not any('FROM "accounts_clinic"' in q for q in sql[:3])


def test_a_practitioner_is_read_with_their_membership_and_clinic(alice_client):
    response, sql = _get(alice_client, reverse("patient-list"))
    assert response.status_code == 200
    user_reads = [q for q in sql if 'FROM "accounts_user"' in q or '"accounts_session"' in q]
    assert len(user_reads) == 1
    assert 'FROM "accounts_session"' in user_reads[0]
    assert 'JOIN "accounts_membership"' in user_reads[0]
    assert not any(q.startswith("SELECT") and 'FROM "accounts_membership"' in q for q in sql)


def test_no_factor_is_remembered_so_the_next_page_does_not_ask(pat_client):
    _get(pat_client, reverse("home"))
    assert pat_client.session[NO_FACTOR_CHECKED][0] is not None
    _, sql = _get(pat_client, reverse("home"))
    assert not any("otp_totp_totpdevice" in q for q in sql)


def test_the_answer_is_asked_again_after_a_while(pat_client, pat):
    _get(pat_client, reverse("home"))
    session = pat_client.session
    user_pk, at = session[NO_FACTOR_CHECKED]
    session[NO_FACTOR_CHECKED] = [user_pk, at - NO_FACTOR_RECHECK_SECONDS - 1]
    session.save()
    _, sql = _get(pat_client, reverse("home"))
    assert any("otp_totp_totpdevice" in q for q in sql)


@pytest.mark.second_factor_enforced
def test_a_factor_added_elsewhere_is_asked_for_once_the_answer_is_old(client, pat):
    client.force_login(pat.user)
    assert client.get(reverse("home")).status_code in (200, 302)
    give_authenticator(pat.user)
    session = client.session
    user_pk, at = session[NO_FACTOR_CHECKED]
    session[NO_FACTOR_CHECKED] = [user_pk, at - NO_FACTOR_RECHECK_SECONDS - 1]
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("factor-verify"))
    assert NO_FACTOR_CHECKED not in client.session


@pytest.mark.second_factor_enforced
def test_another_persons_answer_is_not_taken(client, pat, alice):
    client.force_login(pat.user)
    session = client.session
    session[NO_FACTOR_CHECKED] = [alice.user.pk, timezone.now().timestamp()]
    session.save()
    give_authenticator(pat.user)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("factor-verify"))


def test_the_recheck_window_is_short():
    assert timedelta(seconds=NO_FACTOR_RECHECK_SECONDS) <= timedelta(minutes=5)
