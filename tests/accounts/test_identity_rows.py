"""The identity read by a fixed statement gives exactly the objects of the
ORM's ``select_related`` query it replaces, for every kind of person, and
reading their relations afterwards costs no query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.identity import IDENTITY, load_identity
from accounts.models import Membership, Patient, User
from tests.conftest import make_user


def _described(obj, path="user", seen=None):
    """Every concrete field's value, the instance state, and each cached
    relation (described in turn; one that points back at an object already
    described is named by its path), so that two loads can be compared."""
    if obj is None:
        return None
    seen = {} if seen is None else seen
    if id(obj) in seen:
        return ("same object as", seen[id(obj)])
    seen[id(obj)] = path
    state = obj._state
    return {
        "class": type(obj),
        "fields": {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields},
        "loaded": sorted(f.attname for f in obj._meta.concrete_fields if f.attname in vars(obj)),
        "db": state.db,
        "adding": state.adding,
        "fetch_mode": vars(state).get("fetch_mode"),
        "cached": {
            name: _described(value, f"{path}.{name}", seen)
            for name, value in sorted(state.fields_cache.items())
        },
    }


def _orm(pk):
    return User._default_manager.select_related(*IDENTITY).get(pk=pk)


@pytest.fixture
def people(clinic_a, clinic_b, alice, carol, pat, staff):
    carols_patient = Patient.objects.create(
        clinic=clinic_a,
        primary_practitioner=carol,
        user=make_user("robin@patients.example", "Robin Patient"),
        full_name="Robin Patient",
        email="robin@patients.example",
        time_zone="Asia/Tokyo",
    )
    left = make_user("left@b.example", "Left Practitioner", is_active=False)
    left.last_login = timezone.now() - timedelta(days=3)
    left.save()
    Membership.objects.create(user=left, clinic=clinic_b)
    no_record = make_user("plain@example.com")
    return {
        "practitioner": alice.user,
        "clinic admin": carol.user,
        "patient of a practitioner": pat.user,
        "patient of a clinic admin, own zone": carols_patient.user,
        "staff": staff,
        "inactive practitioner": left,
        "no membership, no record, not staff": no_record,
    }


@pytest.mark.parametrize(
    "who",
    [
        "practitioner",
        "clinic admin",
        "patient of a practitioner",
        "patient of a clinic admin, own zone",
        "staff",
        "inactive practitioner",
        "no membership, no record, not staff",
    ],
)
def test_the_fixed_statement_gives_the_objects_select_related_gives(people, who):
    pk = people[who].pk
    expected = _described(_orm(pk))
    got = _described(load_identity(pk))
    assert got == expected
    # The comparison sees what is cached: a person's identity is never empty.
    assert expected["cached"]


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        (
            "practitioner",
            lambda user: (user.membership.clinic.time_zone, user.membership.user.email),
        ),
        ("clinic admin", lambda user: user.membership.clinic.name),
        (
            "patient of a practitioner",
            lambda user: (
                user.patient.clinic.time_zone,
                user.patient.primary_practitioner.user.email,
                user.patient.primary_practitioner.user.membership.role,
                user.patient.user.email,
                user.patient.zone,
            ),
        ),
        ("patient of a clinic admin, own zone", lambda user: user.patient.zone),
    ],
)
def test_the_identity_is_read_without_another_query(people, who, reads):
    user = load_identity(people[who].pk)
    with CaptureQueriesContext(connection) as queries:
        assert reads(user)
    assert queries.captured_queries == []


@pytest.mark.parametrize(
    ("who", "missing"),
    [
        ("practitioner", "patient"),
        ("patient of a practitioner", "membership"),
        ("staff", "membership"),
        ("staff", "patient"),
        ("no membership, no record, not staff", "membership"),
        ("no membership, no record, not staff", "patient"),
    ],
)
def test_a_missing_relation_is_known_missing_without_a_query(people, who, missing):
    user = load_identity(people[who].pk)
    with CaptureQueriesContext(connection) as queries:
        assert not hasattr(user, missing)
        with pytest.raises(getattr(User, missing).RelatedObjectDoesNotExist):
            getattr(user, missing)
    assert queries.captured_queries == []


def test_an_unknown_person_is_none(db):
    assert not User.objects.filter(pk=987654).exists()
    assert load_identity(987654) is None


def test_the_identity_is_one_query_with_every_join(people):
    with CaptureQueriesContext(connection) as queries:
        load_identity(people["patient of a practitioner"].pk)
    (query,) = queries.captured_queries
    for table in ("accounts_user", "accounts_membership", "accounts_patient", "accounts_clinic"):
        assert f'"{table}"' in query["sql"]


def test_the_user_manager_filters_nothing_the_statement_would_miss():
    queryset = User._default_manager.get_queryset()
    assert not queryset.query.where
    assert not queryset.query.select_related
    assert not queryset.query.deferred_loading[0]
