"""Shared personas: who is signed in when a test makes a request.

Clinic A has a practitioner (alice), a clinic admin (carol, on request) and a
patient (pat); Clinic B has a practitioner (bob) and a patient (quinn); staff
is a staff admin with no clinic; a visitor is not signed in.
"""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import settings as hypothesis_settings

from accounts.models import Clinic, Membership, Patient, User
from accounts.second_factor import has_factor, must_have_factor
from accounts.sign_in_limits import forget_known_pauses
from mats.services import publish_safety_version
from tests.factories import screen
from tests.factors import give_authenticator
from tests.mats.factories import make_routine, make_safety_content
from tests.no_skips import SkipsFailTheRun

PASSWORD = "correct-horse-battery-staple"

# Hypothesis fails an example that takes over 200 ms. The properties here are
# about values, not speed, and on a shared CI machine under coverage's tracing
# one example in thousands is slow for reasons of its own: no deadline.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")


# Files that take a minute or more on their own (real worker processes,
# gunicorn, pg_dump, a wait for the next whole minute). `make test` shares the
# files between two processes in the order collected, so these go first
# rather than leave one process working alone at the end.
SLOW_FILES_FIRST = (
    "tests/test_reminder_bench.py",
    "tests/test_serving.py",
    "tests/test_backup.py",
    "tests/background/test_worker_processes.py",
    "tests/test_bench_run.py",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return SLOW_FILES_FIRST.index(path) if path in SLOW_FILES_FIRST else len(SLOW_FILES_FIRST)

    items.sort(key=rank)  # stable: every other test keeps its place


def pytest_configure(config):
    # The PostgreSQL-only tests skip on SQLite; on PostgreSQL nothing may skip.
    if connection.vendor == "postgresql":
        config.pluginmanager.register(SkipsFailTheRun("on PostgreSQL"), "skips-fail-the-run")


@pytest.fixture(scope="session", autouse=True)
def mail_goes_through_the_outbox(django_test_environment):
    """Email in the tests takes the site's own road: stored by the queueing
    default mailer, delivered by the task into Django's test outbox.

    Django's test set-up points every mailer at the test outbox, which would
    skip the queue; only the outbound mailer should go there.
    """
    from django.conf import settings

    import clinic.settings

    settings.MAILERS = {
        **settings.MAILERS,
        "default": clinic.settings.MAILERS["default"],
        "outbound": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


_plain_force_login = ClientMixin.force_login


def _force_login_past_second_factor(self, user, backend=None):
    """``force_login``, and for anyone who needs a second factor (members,
    staff, patients who turned one on) a session that has passed it, with an
    authenticator made for them if they have none: what a real sign-in ends
    with. The site's check itself is untouched."""
    _plain_force_login(self, user, backend)
    if must_have_factor(user) or has_factor(user):
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id
        session.save()


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(request, monkeypatch):
    """Most tests are about something after sign-in. Tests of the second
    factor itself opt out with ``@pytest.mark.second_factor_enforced`` and
    get Django's plain ``force_login``, which passes no factor."""
    if request.node.get_closest_marker("second_factor_enforced") is None:
        monkeypatch.setattr(ClientMixin, "force_login", _force_login_past_second_factor)


@pytest.fixture(autouse=True)
def no_sign_in_pause_remembered():
    """A web process remembers the pauses it has read (accounts.sign_in_limits);
    each test's database starts without them, so its memory must too."""
    forget_known_pauses()
    yield
    forget_known_pauses()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, checked for sessions left open before it is dropped.

    A connection a test leaves open (a thread that never closed its own, a
    connection Django's teardown cannot see) would keep PostgreSQL from
    dropping the test database, which pytest-django reports only as a
    warning. Here it fails the run and says which session it is.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        others = _other_sessions_on_the_test_database()
    assert not others, f"database sessions left open by the tests: {others}"


def _other_sessions_on_the_test_database(wait: float = 5) -> list[tuple]:
    """Client sessions on this database other than this one, after giving
    connections closed a moment ago time to end."""
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT pid, state, backend_start, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
            others = cursor.fetchall()
            if not others or time.monotonic() > deadline:
                return others
            time.sleep(0.05)


def make_user(email: str, name: str = "", **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


@pytest.fixture
def clinic_a(db) -> Clinic:
    return Clinic.objects.create(name="Clinic A", slug="clinic-a", time_zone="Europe/London")


@pytest.fixture
def clinic_b(db) -> Clinic:
    return Clinic.objects.create(name="Clinic B", slug="clinic-b", time_zone="America/New_York")


@pytest.fixture
def alice(clinic_a) -> Membership:
    user = make_user("alice@a.example", "Alice Practitioner")
    return Membership.objects.create(user=user, clinic=clinic_a, role=Membership.Role.PRACTITIONER)


@pytest.fixture
def bob(clinic_b) -> Membership:
    user = make_user("bob@b.example", "Bob Practitioner")
    return Membership.objects.create(user=user, clinic=clinic_b, role=Membership.Role.PRACTITIONER)


@pytest.fixture
def carol(clinic_a) -> Membership:
    """Clinic A's clinic admin."""
    user = make_user("carol@a.example", "Carol Clinic-Admin")
    return Membership.objects.create(user=user, clinic=clinic_a, role=Membership.Role.CLINIC_ADMIN)


@pytest.fixture
def pat(clinic_a, alice) -> Patient:
    user = make_user("pat@patients.example", "Pat Patient")
    return Patient.objects.create(
        clinic=clinic_a,
        primary_practitioner=alice,
        user=user,
        full_name="Pat Patient",
        email=user.email,
    )


@pytest.fixture
def quinn(clinic_b, bob) -> Patient:
    user = make_user("quinn@patients.example", "Quinn Patient")
    return Patient.objects.create(
        clinic=clinic_b,
        primary_practitioner=bob,
        user=user,
        full_name="Quinn Patient",
        email=user.email,
    )


@pytest.fixture
def staff(db) -> User:
    return make_user("staff@clinic.example", "Sam Staff", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return _client_for(alice.user)


@pytest.fixture
def carol_client(carol) -> Client:
    return _client_for(carol.user)


@pytest.fixture
def bob_client(bob) -> Client:
    return _client_for(bob.user)


@pytest.fixture
def pat_client(pat) -> Client:
    return _client_for(pat.user)


@pytest.fixture
def staff_client(staff) -> Client:
    return _client_for(staff)


@pytest.fixture
def visitor_client(db) -> Client:
    return Client()


@pytest.fixture
def safety(staff):
    """Version 1 with one relative ("pregnancy") and one absolute
    ("open-wounds") contraindication."""
    make_safety_content()
    return publish_safety_version(change_note="First.", published_by=staff)


@pytest.fixture
def routine(db):
    """Published, two stages: week 1, then week 2 onwards; 5-10 minutes, 3 a week."""
    return make_routine("gentle")


@pytest.fixture
def screened_pat(pat, safety):
    """Pat, with a screening that raised nothing."""
    screen(pat)
    return pat
